package dev.writ.credentials;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.gate.ComputeGate;
import dev.writ.policy.CredentialTarget;
import dev.writ.policy.CredentialTemplate;

/**
 * PostgreSQL: a login role per credential, {@code VALID UNTIL} its expiry — so the server
 * itself refuses its password afterwards, whether or not any Writ node is left to remove
 * it — a member of the grant's roles and of nothing else, with no attribute of its own
 * ({@code NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS}) and a
 * connection limit. Its password reaches the server as a SCRAM-SHA-256 verifier only. One
 * admin connection per call, opened with bounded timeouts and closed after it.
 */
final class PostgresqlBroker implements Broker {

	private static final Logger logger = LoggerFactory.getLogger(PostgresqlBroker.class);

	/** The comment on every role Writ creates. */
	static final String MARK = "writ just-in-time credential";

	private final CredentialTarget target;

	private final BrokerSettings settings;

	PostgresqlBroker(CredentialTarget target, BrokerSettings settings) {
		this.target = target;
		this.settings = settings;
	}

	@Override
	public void create(String username, String password, Instant expiresAt, CredentialTemplate template) {
		if (!(template instanceof CredentialTemplate.PostgresqlRole role)) {
			throw new IllegalArgumentException("not a postgresql credential");
		}
		String sql = "CREATE ROLE " + identifier(username)
				+ " WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT "
				+ role.connectionLimit() + " VALID UNTIL '" + expiresAt.truncatedTo(ChronoUnit.SECONDS) + "' PASSWORD '"
				+ Secrets.scramSha256(password) + "' IN ROLE "
				+ role.roles().stream().map(PostgresqlBroker::identifier).collect(Collectors.joining(", "));
		run("create a role", (connection) -> {
			// The role and its mark together, or neither: only marked roles are ever
			// taken for Writ's (usernames).
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				privileged(connection, role.roles());
				statement.execute(sql);
				statement.execute("COMMENT ON ROLE " + identifier(username) + " IS '" + MARK + "'");
				connection.commit();
			}
			catch (SQLException ex) {
				connection.rollback();
				throw ex;
			}
			return true;
		});
	}

	@Override
	public void remove(String username) {
		run("remove a role", (connection) -> {
			if (!exists(connection, username)) {
				return false;
			}
			try (Statement statement = connection.createStatement()) {
				// No new session first, then none left, then no role.
				statement.execute("ALTER ROLE " + identifier(username) + " NOLOGIN");
			}
			catch (SQLException ex) {
				if ("42704".equals(ex.getSQLState())) {
					return false; // another node removed it meanwhile
				}
				throw ex;
			}
			try (PreparedStatement terminate = connection
				.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
				terminate.setString(1, username);
				terminate.execute();
			}
			catch (SQLException ex) {
				// Without pg_signal_backend the admin cannot end sessions: they end
				// at their next login, which NOLOGIN refuses.
				logger.warn("Target {}: the sessions of {} cannot be ended ({}); grant the admin pg_signal_backend",
						this.target.id(), username, ex.getSQLState());
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("DROP ROLE IF EXISTS " + identifier(username));
			}
			return true;
		});
	}

	@Override
	public List<String> usernames(String prefix) {
		return run("list roles", (connection) -> {
			List<String> names = new ArrayList<>();
			try (PreparedStatement query = connection
				.prepareStatement("SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?) "
						+ "AND shobj_description(oid, 'pg_authid') = ?")) {
				query.setString(1, prefix);
				query.setString(2, MARK);
				try (ResultSet rows = query.executeQuery()) {
					while (rows.next()) {
						names.add(rows.getString(1));
					}
				}
			}
			return names;
		});
	}

	@Override
	public void close() {
	}

	// A member may SET ROLE to any role it is granted, and to theirs: none may hold an
	// attribute that outlives the credential or escapes its target (a superuser, a
	// role that creates roles or databases, replication, bypassing row security), be
	// a predefined role (pg_execute_server_program runs programs on the server) or be
	// the admin itself.
	private void privileged(Connection connection, List<String> roles) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement("""
				WITH RECURSIVE granted(oid) AS (
				  SELECT oid FROM pg_roles WHERE rolname = ANY (?)
				  UNION SELECT m.roleid FROM pg_auth_members m JOIN granted g ON m.member = g.oid)
				SELECT r.rolname, r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
				  OR starts_with(r.rolname, 'pg_') OR r.rolname = current_user
				FROM pg_roles r JOIN granted g ON r.oid = g.oid""")) {
			query.setArray(1, connection.createArrayOf("text", roles.toArray()));
			int named = 0;
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					if (rows.getBoolean(2)) {
						throw new TargetUnavailableException("target " + this.target.id() + ": role "
								+ rows.getString(1) + " is one a credential may not have, nor be a member of");
					}
					if (roles.contains(rows.getString(1))) {
						named++;
					}
				}
			}
			if (named != roles.size()) {
				throw new TargetUnavailableException(
						"target " + this.target.id() + ": a role of the grant does not exist there");
			}
		}
	}

	// Whether the role exists; one that exists without Writ's mark is never Writ's to
	// remove (a lease naming it was not written by Writ).
	private boolean exists(Connection connection, String username) throws SQLException {
		try (PreparedStatement query = connection
			.prepareStatement("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?")) {
			query.setString(1, username);
			try (ResultSet rows = query.executeQuery()) {
				if (!rows.next()) {
					return false;
				}
				if (!MARK.equals(rows.getString(1))) {
					throw new TargetUnavailableException("target " + this.target.id() + ": role " + username
							+ " is not marked as Writ's: it is not removed");
				}
				return true;
			}
		}
	}

	// Connection failures (08), authorization (28), shutdown or crash (57P), too many
	// connections or out of resources (53): the target, not one statement.
	private static boolean unreachable(@Nullable String state) {
		return state == null || state.startsWith("08") || state.startsWith("28") || state.startsWith("57P")
				|| state.startsWith("53") || state.equals("3D000");
	}

	// A quoted identifier: the names are checked plain already, quoted all the same.
	static String identifier(String name) {
		return "\"" + name.replace("\"", "\"\"") + "\"";
	}

	private <T> T run(String step, Work<T> work) {
		char[] password = AdminPassword.read(this.target, this.settings);
		Properties properties = new Properties();
		properties.setProperty("user", this.target.adminUsername());
		properties.setProperty("password", new String(password));
		Arrays.fill(password, '\0');
		long seconds = Math.max(1, this.settings.timeout().toSeconds());
		properties.setProperty("connectTimeout", Long.toString(seconds));
		properties.setProperty("loginTimeout", Long.toString(seconds));
		properties.setProperty("socketTimeout", Long.toString(seconds * 2));
		properties.setProperty("ApplicationName", "writ");
		// Waiting on the target gives up the request's turn to compute.
		try {
			return ComputeGate.<T, SQLException>whileWaiting(() -> {
				try (Connection connection = DriverManager.getConnection(this.target.url(), properties)) {
					connection.setAutoCommit(true);
					return work.on(connection);
				}
			});
		}
		catch (SQLException ex) {
			// The SQL state says what failed; a message could quote the statement.
			if ("42710".equals(ex.getSQLState())) {
				throw TargetUnavailableException.exists(this.target.id(), "of that name");
			}
			throw new TargetUnavailableException(
					"target " + this.target.id() + ": could not " + step + " (SQL state " + ex.getSQLState() + ")",
					unreachable(ex.getSQLState()));
		}
	}

	@FunctionalInterface
	private interface Work<T> {

		T on(Connection connection) throws SQLException;

	}

}

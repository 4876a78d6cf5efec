package dev.writ.credentials;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.CredentialTarget;
import dev.writ.policy.CredentialTemplate;
import dev.writ.testing.PostgresServer;
import dev.writ.testing.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL broker against a real server: the role it creates logs in, has its
 * roles' privileges and nothing more, and stops working at its expiry by the server's own
 * check; removed, it can no longer log in and its session is ended.
 */
class PostgresqlBrokerTests {

	static PostgresServer postgres;

	static String adminPassword;

	@TempDir
	static Path secrets;

	@BeforeAll
	static void start() {
		postgres = PostgresServer.start();
		adminPassword = PostgresServer.secret();
		postgres.sql("postgres", "CREATE DATABASE orders");
		postgres.sql("orders", "CREATE ROLE writ_admin LOGIN CREATEROLE PASSWORD '" + adminPassword + "'",
				"GRANT pg_signal_backend TO writ_admin", "CREATE ROLE orders_reader NOLOGIN",
				"CREATE TABLE orders (id int PRIMARY KEY, total int)", "INSERT INTO orders VALUES (1, 42)",
				"CREATE TABLE payroll (id int PRIMARY KEY, salary int)", "GRANT SELECT ON orders TO orders_reader");
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	static CredentialTarget target(Path passwordFile, String url) {
		return new CredentialTarget("orders-db", CredentialTarget.Kind.POSTGRESQL, "postgresql://orders", url,
				"writ_admin", passwordFile, null, "orders-db-admin", Duration.ofHours(1), "writ_", "test:1");
	}

	private PostgresqlBroker broker() throws Exception {
		Files.writeString(secrets.resolve("admin-password"), adminPassword + "\n");
		return new PostgresqlBroker(target(Path.of("admin-password"), postgres.url("orders")),
				TestBrokers.settings(Duration.ofSeconds(5), secrets, postgres.port()));
	}

	private static final CredentialTemplate.PostgresqlRole READER = new CredentialTemplate.PostgresqlRole(
			List.of("orders_reader"), 2);

	@Test
	void createThenLogsInWithItsRolesPrivilegesAndNothingMore() throws Exception {
		PostgresqlBroker broker = broker();
		String username = Secrets.username("writ_", "orders-read");
		String password = Secrets.password();

		broker.create(username, password, Instant.now().plusSeconds(300), READER);

		try (Connection session = postgres.connect("orders", username, password);
				Statement statement = session.createStatement()) {
			var rows = statement.executeQuery("SELECT total FROM orders WHERE id = 1");
			assertThat(rows.next()).isTrue();
			assertThat(rows.getInt(1)).isEqualTo(42);
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.executeQuery("SELECT salary FROM payroll"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("42501")); // insufficient_privilege
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.execute("UPDATE orders SET total = 0"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("42501"));
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.execute("CREATE ROLE escalated LOGIN"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("42501"));
		}
		assertThat(broker.usernames("writ_")).contains(username);
	}

	@Test
	void createThenServerRefusesItsPasswordAfterItsExpiry() throws Exception {
		PostgresqlBroker broker = broker();
		String username = Secrets.username("writ_", "short");
		String password = Secrets.password();

		broker.create(username, password, Instant.now().plusSeconds(2), READER);

		try (Connection session = postgres.connect("orders", username, password)) {
			assertThat(session.isValid(2)).isTrue();
		}
		// PostgreSQL's own VALID UNTIL: no Writ node is asked.
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> postgres.connect("orders", username, password).close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		});
	}

	@Test
	void removeThenNextLoginRefusedAndOpenSessionEnded() throws Exception {
		PostgresqlBroker broker = broker();
		String username = Secrets.username("writ_", "removed");
		String password = Secrets.password();
		broker.create(username, password, Instant.now().plusSeconds(300), READER);
		Connection open = postgres.connect("orders", username, password);

		broker.remove(username);

		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> postgres.connect("orders", username, password).close())
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		assertThat(open.isValid(2)).isFalse();
		open.close();
		assertThat(postgres.roles(username)).isEmpty();
		broker.remove(username); // removing again does nothing
	}

	@Test
	void createWhenPasswordThenServerStoresItsScramVerifierOnly() throws Exception {
		PostgresqlBroker broker = broker();
		String username = Secrets.username("writ_", "verifier");
		String password = Secrets.password();

		broker.create(username, password, Instant.now().plusSeconds(300), READER);

		assertThat(postgres.log()).doesNotContain(password);
		try (Connection session = postgres.connect("orders", username, password)) {
			assertThat(session.isValid(2)).isTrue();
		}
	}

	@Test
	void callWhenAdminPasswordRotatedInItsFileThenNewOneUsedAtOnce() throws Exception {
		PostgresqlBroker broker = broker();
		String rotated = PostgresServer.secret();
		postgres.sql("postgres", "ALTER ROLE writ_admin PASSWORD '" + rotated + "'");
		try {
			assertThatExceptionOfType(TargetUnavailableException.class).isThrownBy(() -> broker.usernames("writ_"))
				.withMessageContaining("SQL state 28P01")
				.withMessageNotContaining(adminPassword);

			Files.writeString(secrets.resolve("admin-password"), rotated);

			assertThat(broker.usernames("writ_")).isNotNull();
		}
		finally {
			postgres.sql("postgres", "ALTER ROLE writ_admin PASSWORD '" + adminPassword + "'");
		}
	}

	@Test
	void callWhenTheHostIsNotAllowedThenRefusedBeforeThePasswordIsRead() throws Exception {
		// No such file: had it been read first, that would be the refusal.
		PostgresqlBroker broker = new PostgresqlBroker(target(Path.of("no-such-file"), postgres.url("orders")),
				new BrokerSettings(Map.<String, String>of()::get, Duration.ofSeconds(2), secrets,
						java.util.Set.of("db.internal", "127.0.0.1:1")));

		assertThatExceptionOfType(TargetUnavailableException.class).isThrownBy(() -> broker.usernames("writ_"))
			.withMessageContaining(
					"its host 127.0.0.1:" + postgres.port() + " is not in writ.credentials.allowed-hosts")
			.satisfies((ex) -> assertThat(ex.unreachable()).isTrue());
	}

	@Test
	void callWhenTheDatabaseDoesNotExistThenTheTargetCountsAsUnreachableAndARefusedRoleDoesNot() throws Exception {
		Files.writeString(secrets.resolve("admin-password"), adminPassword);
		PostgresqlBroker missing = new PostgresqlBroker(target(Path.of("admin-password"), postgres.url("nowhere")),
				TestBrokers.settings(Duration.ofSeconds(5), secrets, postgres.port()));

		assertThatExceptionOfType(TargetUnavailableException.class).isThrownBy(() -> missing.usernames("writ_"))
			.withMessageContaining("SQL state 3D000")
			.satisfies((ex) -> assertThat(ex.unreachable()).isTrue());
		// A grant naming a role the server lacks refuses that grant, not the target.
		assertThatExceptionOfType(TargetUnavailableException.class)
			.isThrownBy(() -> broker().create(Secrets.username("writ_", "missing"), Secrets.password(),
					Instant.now().plusSeconds(60), new CredentialTemplate.PostgresqlRole(List.of("no_such_role"), 1)))
			.satisfies((ex) -> assertThat(ex.unreachable()).isFalse());
	}

	@Test
	void callWhenTargetDownThenUnavailableWithinItsTimeout() throws Exception {
		Files.writeString(secrets.resolve("admin-password"), adminPassword);
		int closed = RedisServer.freePort();
		PostgresqlBroker broker = new PostgresqlBroker(
				target(Path.of("admin-password"), "jdbc:postgresql://127.0.0.1:" + closed + "/orders"),
				TestBrokers.settings(Duration.ofSeconds(2), secrets, closed));

		assertThatExceptionOfType(TargetUnavailableException.class)
			.isThrownBy(
					() -> broker.create("writ_x_aaaaaaaaaa", Secrets.password(), Instant.now().plusSeconds(60), READER))
			.withMessageContaining("target orders-db: could not create a role")
			.satisfies((ex) -> assertThat(ex.unreachable()).isTrue());
	}

}

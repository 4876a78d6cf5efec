package dev.writ.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: {@code initdb} into a temporary directory and
 * {@code pg_ctl start} on a free loopback port, password authentication (SCRAM) for every
 * connection, from Debian's {@code postgresql} package ({@code .ci/run} installs it).
 * PostgreSQL refuses to run as root: as root, its commands run as the {@code postgres}
 * user the package creates. The superuser's password is made at start and kept in memory
 * only.
 */
public final class PostgresServer implements AutoCloseable {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path bin;

	private final Path directory;

	private final int port;

	private final String superuserPassword;

	private PostgresServer(Path bin, Path directory, int port, String superuserPassword) {
		this.bin = bin;
		this.directory = directory;
		this.port = port;
		this.superuserPassword = superuserPassword;
	}

	/** Creates a cluster and starts it. */
	public static PostgresServer start() {
		Path bin = binaries();
		try {
			Path directory = Files.createTempDirectory("writ-postgres-");
			int port = RedisServer.freePort();
			String password = secret();
			Path passwordFile = directory.resolve("superuser-password");
			Files.writeString(passwordFile, password + "\n");
			if (root()) {
				RedisServer.run(List.of("chown", "-R", "postgres:postgres", directory.toString()));
			}
			PostgresServer server = new PostgresServer(bin, directory, port, password);
			server.command(List.of(bin.resolve("initdb").toString(), "-D", directory.resolve("data").toString(), "-U",
					"postgres", "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--no-locale",
					"--no-sync"));
			Files.delete(passwordFile);
			server.startAgain();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A random password for a test role: 192 bits, base64url. */
	public static String secret() {
		byte[] bytes = new byte[24];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static Path binaries() {
		Path versions = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(versions)) {
			try (Stream<Path> entries = Files.list(versions)) {
				Path newest = entries.filter((p) -> Files.isExecutable(p.resolve("bin/initdb")))
					.max(Comparator.comparing((Path p) -> Integer.parseInt(p.getFileName().toString())))
					.orElse(null);
				if (newest != null) {
					return newest.resolve("bin");
				}
			}
			catch (IOException | NumberFormatException ex) {
				// below
			}
		}
		throw new IllegalStateException(
				"PostgreSQL is not installed here; .ci/run installs it (apt-get install postgresql)");
	}

	private static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	private String command(List<String> command) {
		List<String> full = new ArrayList<>();
		if (root()) {
			full.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		full.addAll(command);
		return RedisServer.run(full);
	}

	/** Starts the server (again) on its port, waiting until it takes connections. */
	public void startAgain() {
		command(List.of(this.bin.resolve("pg_ctl").toString(), "-D", this.directory.resolve("data").toString(), "-l",
				this.directory.resolve("server.log").toString(), "-w", "-t", "30", "-o",
				"-p " + this.port + " -c listen_addresses=127.0.0.1 -k " + this.directory + " -c fsync=off", "start"));
	}

	/** Stops the server at once, as a crash would. */
	public void stop() {
		command(List.of(this.bin.resolve("pg_ctl").toString(), "-D", this.directory.resolve("data").toString(), "-m",
				"immediate", "-w", "stop"));
	}

	public int port() {
		return this.port;
	}

	/** The JDBC URL of a database here. */
	public String url(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/** A connection as {@code user}, or the SQL state of why not. */
	public Connection connect(String database, String user, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", "5");
		return DriverManager.getConnection(url(database), properties);
	}

	/** Runs statements as the superuser, one after the other. */
	public void sql(String database, String... statements) {
		try (Connection connection = connect(database, "postgres", this.superuserPassword);
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("SQL failed: " + ex.getMessage(), ex);
		}
	}

	/** The names of the roles that begin with {@code prefix}. */
	public List<String> roles(String prefix) {
		List<String> roles = new ArrayList<>();
		try (Connection connection = connect("postgres", "postgres", this.superuserPassword);
				var query = connection.prepareStatement("SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?)")) {
			query.setString(1, prefix);
			try (var rows = query.executeQuery()) {
				while (rows.next()) {
					roles.add(rows.getString(1));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("SQL failed: " + ex.getMessage(), ex);
		}
		return roles;
	}

	/** What the server logged. */
	public String log() {
		try {
			Path log = this.directory.resolve("server.log");
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			stop();
		}
		catch (IllegalStateException ex) {
			// stopped already
		}
		RedisServer.run(List.of("rm", "-rf", this.directory.toString()));
	}

}

package dev.writ.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The targets of just-in-time credentials, real and on loopback: a PostgreSQL server with
 * a database {@code orders} (tables {@code orders}, readable by role
 * {@code orders_reader}, and {@code payroll}) and an admin {@code broker_admin}
 * ({@code CREATEROLE}, {@code pg_signal_backend}); a Redis with an ACL admin
 * {@code broker-admin} ({@code +acl} only). Their admin passwords are made at start and
 * written where a site's Writ reads them ({@link #writeSecrets}).
 */
public final class TestTargets implements AutoCloseable {

	private final PostgresServer postgres;

	private final RedisServer redis;

	private final String postgresAdmin = PostgresServer.secret();

	private final String redisAdmin = PostgresServer.secret();

	private final RedisClient client = RedisClient.create();

	private TestTargets() {
		this.postgres = PostgresServer.start();
		this.redis = RedisServer.start();
		this.postgres.sql("postgres", "CREATE DATABASE orders");
		this.postgres.sql("orders", "CREATE ROLE broker_admin LOGIN CREATEROLE PASSWORD '" + this.postgresAdmin + "'",
				"GRANT pg_signal_backend TO broker_admin", "CREATE ROLE orders_reader NOLOGIN",
				"CREATE TABLE orders (id int PRIMARY KEY, total int)", "INSERT INTO orders VALUES (1, 42)",
				"CREATE TABLE payroll (id int PRIMARY KEY, salary int)", "GRANT SELECT ON orders TO orders_reader");
		this.redis.cli("ACL", "SETUSER", "broker-admin", "on", ">" + this.redisAdmin, "+acl");
	}

	public static TestTargets start() {
		return new TestTargets();
	}

	public PostgresServer postgres() {
		return this.postgres;
	}

	public RedisServer redis() {
		return this.redis;
	}

	/**
	 * The {@code targets:} and the register entries of their admin credentials, for a
	 * site whose root holds {@code secrets/} ({@link #writeSecrets}).
	 */
	public String policies() {
		return """
				targets:
				  - id: orders-db
				    kind: postgresql
				    audience: postgresql://orders-db
				    max_ttl: 10m
				    admin:
				      url: %s
				      username: broker_admin
				      password_file: orders-db-admin
				      register: orders-db-admin
				  - id: cache
				    kind: redis
				    audience: redis://cache
				    admin:
				      url: redis://127.0.0.1:%d
				      username: broker-admin
				      password_file: cache-admin
				      register: cache-admin
				owners: [platform-team]
				api_keys:
				  - id: orders-db-admin
				    system: postgresql://orders-db
				    holder: writ
				    owner: platform-team
				    justification: Writ creates the database's short-lived roles with it
				    kind: permanent
				    review_every: 12w
				    reviewed: 2099-01-01
				    stored_in: file:secrets/orders-db-admin
				    migration_trigger: none, it is Writ's own
				  - id: cache-admin
				    system: redis://cache
				    holder: writ
				    owner: platform-team
				    justification: Writ creates the cache's short-lived ACL users with it
				    kind: permanent
				    review_every: 12w
				    reviewed: 2099-01-01
				    stored_in: file:secrets/cache-admin
				    migration_trigger: none, it is Writ's own
				  - id: checkout-orders-password
				    system: postgresql://orders-db
				    holder: spiffe://test.example.org/ns/prod/sa/checkout
				    owner: platform-team
				    justification: checkout logged in with a static password
				    kind: transitional
				    expires: 2099-12-31
				    stored_in: vault:secret/data/checkout/orders-db
				    migration_trigger: checkout takes Writ's credentials
				    federates_to: postgresql://orders-db
				""".formatted(this.postgres.url("orders"), this.redis.port());
	}

	/**
	 * Writes the admin passwords under {@code root/secrets/}, the site's
	 * {@code writ.credentials.secrets-dir}, and answers that directory.
	 */
	public Path writeSecrets(Path root) {
		try {
			Path secrets = Files.createDirectories(root.resolve("secrets"));
			Files.writeString(secrets.resolve("orders-db-admin"), this.postgresAdmin + "\n");
			Files.writeString(secrets.resolve("cache-admin"), this.redisAdmin + "\n");
			return secrets;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The targets' host and port each, as writ.credentials.allowed-hosts lists them. */
	public String allowedHosts() {
		return "127.0.0.1:" + this.postgres.port() + ",127.0.0.1:" + this.redis.port();
	}

	/** A connection to the target Redis as {@code username}. */
	public StatefulRedisConnection<String, String> redisLogin(String username, String password) {
		return this.client.connect(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(this.redis.port())
			.withAuthentication(username, password.toCharArray())
			.withTimeout(Duration.ofSeconds(5))
			.build());
	}

	/** The target Redis's ACL users. */
	public String redisUsers() {
		return this.redis.cli("ACL", "USERS");
	}

	@Override
	public void close() {
		this.client.shutdown();
		this.postgres.close();
		this.redis.stop();
	}

}

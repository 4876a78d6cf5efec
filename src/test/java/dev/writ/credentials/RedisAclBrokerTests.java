package dev.writ.credentials;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
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

/**
 * The Redis ACL broker against a real {@code redis-server}: the user it creates
 * authenticates, runs its commands on its keys and nothing else; removed, it can no
 * longer authenticate and its connection is closed. Writ's admin user there has
 * {@code +acl} only.
 */
class RedisAclBrokerTests {

	static RedisServer redis;

	static String adminPassword;

	static RedisClient client;

	@TempDir
	static Path secrets;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		adminPassword = PostgresServer.secret();
		redis.cli("ACL", "SETUSER", "writ-admin", "on", ">" + adminPassword, "+acl");
		client = RedisClient.create();
	}

	@AfterAll
	static void stop() {
		client.shutdown();
		redis.stop();
	}

	static CredentialTarget target(Path passwordFile) {
		return new CredentialTarget("cache", CredentialTarget.Kind.REDIS, "redis://cache",
				"redis://127.0.0.1:" + redis.port(), "writ-admin", passwordFile, null, "cache-admin",
				Duration.ofHours(1), "writ_", "test:1");
	}

	private RedisAclBroker broker() throws Exception {
		Files.writeString(secrets.resolve("admin-password"), adminPassword + "\n");
		return new RedisAclBroker(target(Path.of("admin-password")),
				TestBrokers.settings(Duration.ofSeconds(5), secrets, redis.port()));
	}

	private static StatefulRedisConnection<String, String> login(String username, String password) {
		return client.connect(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(redis.port())
			.withAuthentication(username, password.toCharArray())
			.withTimeout(Duration.ofSeconds(5))
			.build());
	}

	private static final CredentialTemplate.RedisUser ORDERS = new CredentialTemplate.RedisUser(List.of("+get", "+set"),
			List.of("orders:*"), List.of());

	@Test
	void createThenRunsItsCommandsOnItsKeysAndNothingElse() throws Exception {
		try (RedisAclBroker broker = broker()) {
			String username = Secrets.username("writ_", "orders-cache");
			String password = Secrets.password();

			broker.create(username, password, Instant.now().plusSeconds(300), ORDERS);

			try (StatefulRedisConnection<String, String> session = login(username, password)) {
				var commands = session.sync();
				assertThat(commands.set("orders:1", "42")).isEqualTo("OK");
				assertThat(commands.get("orders:1")).isEqualTo("42");
				assertThatExceptionOfType(RedisException.class).isThrownBy(() -> commands.get("payroll:1"))
					.withMessageContaining("NOPERM");
				assertThatExceptionOfType(RedisException.class).isThrownBy(() -> commands.del("orders:1"))
					.withMessageContaining("NOPERM");
				assertThatExceptionOfType(RedisException.class)
					.isThrownBy(() -> commands.aclSetuser("escalated", io.lettuce.core.AclSetuserArgs.Builder.on()))
					.withMessageContaining("NOPERM");
			}
			assertThat(broker.usernames("writ_")).contains(username);
			assertThat(redis.cli("ACL", "GETUSER", username)).doesNotContain(password);
		}
	}

	@Test
	void createWhenTheGrantNamesBroadCategoriesThenNothingThatAdministersOrSpansEveryKey() throws Exception {
		try (RedisAclBroker broker = broker()) {
			String username = Secrets.username("writ_", "broad");
			String password = Secrets.password();
			// +@slow holds ACL, CONFIG, PUBSUB and CLIENT; +@write FLUSHALL; +@read KEYS.
			broker.create(username, password, Instant.now().plusSeconds(300),
					new CredentialTemplate.RedisUser(
							List.of("+@slow", "+@write", "+@read", "+@keyspace", "+@pubsub", "+@connection"),
							List.of("orders:*"), List.of()));

			try (StatefulRedisConnection<String, String> session = login(username, password)) {
				var commands = session.sync();
				assertThat(commands.set("orders:2", "1")).isEqualTo("OK");
				Map<String, Runnable> denied = new java.util.LinkedHashMap<>();
				denied.put("ACL SETUSER",
						() -> commands.aclSetuser("escalated", io.lettuce.core.AclSetuserArgs.Builder.on()));
				denied.put("CONFIG SET", () -> commands.configSet("dir", "/tmp"));
				denied.put("FLUSHALL", commands::flushall);
				denied.put("FLUSHDB", commands::flushdb);
				denied.put("KEYS", () -> commands.keys("*"));
				denied.put("SCAN", commands::scan);
				denied.put("SWAPDB", () -> commands.swapdb(0, 1));
				denied.put("SELECT", () -> commands.select(1));
				denied.put("SCRIPT FLUSH", commands::scriptFlush);
				denied.put("CLIENT LIST", commands::clientList);
				denied.put("DBSIZE", commands::dbsize);
				denied.put("PUBSUB CHANNELS", commands::pubsubChannels);
				denied.put("PUBSUB NUMSUB", () -> commands.pubsubNumsub("a"));
				denied.put("CLIENT TRACKING",
						() -> commands.clientTracking(io.lettuce.core.TrackingArgs.Builder.enabled().bcast()));
				denied.forEach((name, command) -> assertThatExceptionOfType(RedisException.class).as(name)
					.isThrownBy(command::run)
					.withMessageContaining("NOPERM"));
				assertThat(commands.get("orders:2")).isEqualTo("1");
			}
		}
	}

	@Test
	void removeThenCannotAuthenticateAndItsConnectionIsClosed() throws Exception {
		try (RedisAclBroker broker = broker()) {
			String username = Secrets.username("writ_", "removed");
			String password = Secrets.password();
			broker.create(username, password, Instant.now().plusSeconds(300), ORDERS);
			StatefulRedisConnection<String, String> open = login(username, password);
			open.setAutoFlushCommands(true);

			broker.remove(username);

			assertThatExceptionOfType(RedisException.class).isThrownBy(() -> login(username, password).close());
			assertThatExceptionOfType(RedisException.class).isThrownBy(() -> open.sync().get("orders:1"));
			open.close();
			assertThat(broker.usernames("writ_")).doesNotContain(username);
			broker.remove(username); // removing again does nothing
		}
	}

	@Test
	void createWhenUserExistsThenRefusedAndUserUntouched() throws Exception {
		try (RedisAclBroker broker = broker()) {
			String username = Secrets.username("writ_", "taken");
			String password = Secrets.password();
			broker.create(username, password, Instant.now().plusSeconds(300), ORDERS);

			assertThatExceptionOfType(TargetUnavailableException.class)
				.isThrownBy(() -> broker.create(username, Secrets.password(), Instant.now().plusSeconds(300), ORDERS));

			login(username, password).close();
		}
	}

	@Test
	void callWhenTheAdminMayNotRunAclThenTheTargetCountsAsUnreachable() throws Exception {
		String weak = PostgresServer.secret();
		redis.cli("ACL", "SETUSER", "weak-admin", "on", ">" + weak, "+get");
		Files.writeString(secrets.resolve("weak-password"), weak);
		CredentialTarget target = new CredentialTarget("cache", CredentialTarget.Kind.REDIS, "redis://cache",
				"redis://127.0.0.1:" + redis.port(), "weak-admin", Path.of("weak-password"), null, "cache-admin",
				Duration.ofHours(1), "writ_", "test:1");
		try (RedisAclBroker broker = new RedisAclBroker(target,
				TestBrokers.settings(Duration.ofSeconds(5), secrets, redis.port()))) {
			// Every call would fail alike: the target is left alone a while.
			assertThatExceptionOfType(TargetUnavailableException.class).isThrownBy(() -> broker.usernames("writ_"))
				.satisfies((ex) -> assertThat(ex.unreachable()).isTrue());
		}
	}

	@Test
	void callWhenTargetDownThenUnavailable() throws Exception {
		Files.writeString(secrets.resolve("admin-password"), adminPassword);
		int closed = RedisServer.freePort();
		CredentialTarget down = new CredentialTarget("cache", CredentialTarget.Kind.REDIS, "redis://cache",
				"redis://127.0.0.1:" + closed, "writ-admin", Path.of("admin-password"), null, "cache-admin",
				Duration.ofHours(1), "writ_", "test:1");
		try (RedisAclBroker broker = new RedisAclBroker(down,
				TestBrokers.settings(Duration.ofSeconds(2), secrets, closed))) {
			assertThatExceptionOfType(TargetUnavailableException.class).isThrownBy(() -> broker.usernames("writ_"))
				.withMessageContaining("target cache: could not list ACL users");
		}
	}

}

package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.request.TokenTypes;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestTargets;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Just-in-time credentials through the token endpoint of a running Writ, against a real
 * PostgreSQL and a real Redis: a granted workload gets a credential that logs in and does
 * what its grant allows and nothing more; a refused request creates nothing; an early
 * revocation ends the next login; a target that is down answers 503 and leaves nothing
 * behind; an expired Redis user is removed by the reaper; and no credential reaches a log
 * line or the audit file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class CredentialsIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final String CHECKOUT = "/ns/prod/sa/checkout";

	static final TestTargets TARGETS = TestTargets.start();

	static final WritTestSite SITE = WritTestSite.create(TARGETS.policies() + """
			grants:
			  - id: checkout-orders
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: postgresql://orders-db
			    ttl: 5m
			    credential: { roles: [orders_reader], connection_limit: 2 }
			  - id: reporting-orders
			    subject: spiffe://test.example.org/ns/prod/sa/reporting
			    audience: postgresql://orders-db
			    ttl: 30m
			    credential: { roles: [orders_reader] }
			  - id: checkout-cache
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: redis://cache
			    ttl: 3s
			    credential: { commands: [+get, +set], keys: ["orders:*"] }
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			  - id: security-admin
			    subject: spiffe://test.example.org/ns/ops/sa/security
			    audience: http://localhost:8080
			    scopes: [writ:leases, writ:governance]
			""");

	static final Path AUDIT = SITE.policies().resolveSibling("audit.jsonl");

	static final Path SECRETS = TARGETS.writeSecrets(SITE.policies().getParent());

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.audit.file", AUDIT::toString);
		registry.add("writ.credentials.reap-interval", () -> "1s");
		registry.add("writ.credentials.target-timeout", () -> "2s");
		registry.add("writ.credentials.secrets-dir", SECRETS::toString);
		registry.add("writ.credentials.allowed-hosts", TARGETS::allowedHosts);
	}

	@AfterAll
	static void stopTargets() {
		TARGETS.close();
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	private String base() {
		return "http://localhost:" + this.port;
	}

	private HttpResponse<String> credential(String path, String audience) throws Exception {
		return TestExchanges.credential(this.http, base(), SITE.authority().svid(path).sign(), audience);
	}

	private Map<String, Object> granted(String path, String audience) throws Exception {
		HttpResponse<String> answer = credential(path, audience);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return JSONObjectUtils.parse(answer.body());
	}

	private String adminToken() throws Exception {
		return (String) JSONObjectUtils
			.parse(TestExchanges
				.exchange(this.http, base(), SITE.authority().svid("/ns/ops/sa/security").sign(), ISSUER)
				.body())
			.get("access_token");
	}

	private HttpResponse<String> admin(String method, String path, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
			.header("Authorization", "Bearer " + adminToken());
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> leases() throws Exception {
		HttpResponse<String> answer = admin("GET", "/admin/leases", null);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return (List<Map<String, Object>>) JSONObjectUtils.parse(answer.body()).get("leases");
	}

	@Test
	void grantedThenPostgresCredentialLogsInAndDoesWhatTheGrantAllowsOnly(CapturedOutput output) throws Exception {
		HttpResponse<String> answer = credential(CHECKOUT, "postgresql://orders-db");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((v) -> assertThat(v).contains("no-store"));
		Map<String, Object> body = JSONObjectUtils.parse(answer.body());
		assertThat(body).containsEntry("token_type", "N_A")
			.containsEntry("issued_token_type", TokenTypes.PASSWORD)
			.containsEntry("target", "orders-db")
			.containsKeys("lease_id", "expires_in")
			.doesNotContainKey("scope");
		assertThat(((Number) body.get("expires_in")).longValue()).isBetween(299L, 300L);
		String username = (String) body.get("username");
		String password = (String) body.get("access_token");
		assertThat(username).matches("writ_checkout_orders_[a-z2-7]{10}");
		try (Connection session = TARGETS.postgres().connect("orders", username, password);
				Statement statement = session.createStatement()) {
			var rows = statement.executeQuery("SELECT total FROM orders");
			assertThat(rows.next()).isTrue();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.executeQuery("SELECT * FROM payroll"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("42501"));
		}
		assertThat(leases()).anySatisfy((lease) -> assertThat(lease).containsEntry("lease_id", body.get("lease_id"))
			.containsEntry("username", username)
			.containsEntry("state", "active")
			.containsEntry("subject", "spiffe://test.example.org" + CHECKOUT));
		String audit = Files.readString(AUDIT);
		assertThat(audit).contains("\"lease_id\":\"" + body.get("lease_id") + "\"")
			.contains("\"credential_username\":\"" + username + "\"")
			.doesNotContain(password);
		assertThat(output.getAll()).doesNotContain(password);
		assertThat(TARGETS.postgres().log()).doesNotContain(password);
	}

	@Test
	void ttlThenTheSmallestOfTheGrantsTheTargetsCapAndTheSubjectTokensRemainingLife() throws Exception {
		// The grant's 30m, the target's max_ttl of 10m.
		HttpResponse<String> capped = TestExchanges.credential(this.http, base(),
				SITE.authority().svid("/ns/prod/sa/reporting").expiresIn(Duration.ofHours(1)).sign(),
				"postgresql://orders-db");
		// The subject token's 90 s.
		HttpResponse<String> subject = TestExchanges.credential(this.http, base(),
				SITE.authority().svid("/ns/prod/sa/reporting").expiresIn(Duration.ofSeconds(90)).sign(),
				"postgresql://orders-db");

		assertThat(((Number) JSONObjectUtils.parse(capped.body()).get("expires_in")).longValue()).isEqualTo(600);
		assertThat(((Number) JSONObjectUtils.parse(subject.body()).get("expires_in")).longValue()).isBetween(85L, 90L);
	}

	@Test
	void refusedThenNothingIsCreatedAtTheTarget() throws Exception {
		List<String> before = TARGETS.postgres().roles("writ_");
		int leases = leases().size();

		// No grant for this subject; a token grant's audience; a credential grant's
		// audience asked for a token.
		HttpResponse<String> stranger = credential("/ns/prod/sa/stranger", "postgresql://orders-db");
		HttpResponse<String> tokenAudience = credential(CHECKOUT, "https://payments.example.org");
		HttpResponse<String> asToken = TestExchanges.exchange(this.http, base(), SITE.authority().svid(CHECKOUT).sign(),
				"postgresql://orders-db");

		for (HttpResponse<String> answer : List.of(stranger, tokenAudience, asToken)) {
			assertThat(answer.statusCode()).isEqualTo(400);
			assertThat(answer.body()).contains("\"error\":\"invalid_target\"");
		}
		assertThat(TARGETS.postgres().roles("writ_")).isEqualTo(before);
		assertThat(leases()).hasSize(leases);
	}

	@Test
	void revokedEarlyThenNextLoginRefused() throws Exception {
		Map<String, Object> body = granted(CHECKOUT, "postgresql://orders-db");
		String username = (String) body.get("username");
		String password = (String) body.get("access_token");
		TARGETS.postgres().connect("orders", username, password).close();

		HttpResponse<String> revoked = admin("POST", "/admin/leases/revoke",
				"{\"lease_id\":\"" + body.get("lease_id") + "\"}");

		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		assertThat(revoked.body()).contains((String) body.get("lease_id"));
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> TARGETS.postgres().connect("orders", username, password).close())
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		assertThat(TARGETS.postgres().roles(username)).isEmpty();
		assertThat(leases()).noneSatisfy((lease) -> assertThat(lease).containsEntry("lease_id", body.get("lease_id")));
	}

	@Test
	void cliListsThenRevokesTheLeasesOfTheRunningWrit(@org.junit.jupiter.api.io.TempDir Path directory)
			throws Exception {
		Map<String, Object> body = granted(CHECKOUT, "postgresql://orders-db");
		Path tokenFile = directory.resolve("token");
		Files.writeString(tokenFile, adminToken() + "\n");
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
		dev.writ.cli.WritCli cli = new dev.writ.cli.WritCli(new java.io.PrintStream(out, true),
				new java.io.PrintStream(err, true), java.time.Clock.systemUTC(), Map.of());

		assertThat(cli.run("leases", "list", "--url", base(), "--token-file", tokenFile.toString(),
				"--allow-loopback-http"))
			.as(err.toString())
			.isZero();
		assertThat(out.toString()).contains((String) body.get("lease_id"))
			.contains((String) body.get("username"))
			.contains("active")
			.doesNotContain((String) body.get("access_token"));

		out.reset();
		assertThat(cli.run("leases", "revoke", "--url", base(), "--token-file", tokenFile.toString(),
				"--allow-loopback-http", "--lease-id", (String) body.get("lease_id")))
			.as(err.toString())
			.isZero();
		assertThat(out.toString()).contains((String) body.get("lease_id"));
		assertThat(TARGETS.postgres().roles((String) body.get("username"))).isEmpty();
		assertThat(cli.run("leases", "list", "--url", base(), "--token-file", directory.resolve("none").toString(),
				"--allow-loopback-http"))
			.isEqualTo(1);
	}

	@Test
	void revokeWhenNotExactlyOneSelectorThenInvalidRequest() throws Exception {
		for (String body : List.of("{}", "{\"subject\":\"a\",\"grant\":\"b\"}", "{\"subject\":7}",
				"{\"target\":\"orders-db\"}")) {
			HttpResponse<String> answer = admin("POST", "/admin/leases/revoke", body);
			assertThat(answer.statusCode()).as(body).isEqualTo(400);
			assertThat(answer.body()).contains("invalid_request");
		}
	}

	@Test
	void targetDownThen503AndNothingLeftBehindOnceItIsBack() throws Exception {
		List<String> before = TARGETS.postgres().roles("writ_");
		TARGETS.postgres().stop();
		HttpResponse<String> answer;
		try {
			answer = credential(CHECKOUT, "postgresql://orders-db");
		}
		finally {
			TARGETS.postgres().startAgain();
		}

		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.body()).contains("\"error\":\"temporarily_unavailable\"").doesNotContain("127.0.0.1");
		assertThat(answer.headers().firstValue("Retry-After")).isPresent();
		// The lease recorded before the target was asked is due at once: the reaper
		// removes whatever might exist and forgets it.
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(leases())
				.noneSatisfy((lease) -> assertThat(lease).containsEntry("grant", "checkout-orders")
					.containsEntry("state", "revoked")));
		assertThat(TARGETS.postgres().roles("writ_")).isEqualTo(before);
		// A target that failed is refused a few seconds, then asked again.
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> credential(CHECKOUT, "postgresql://orders-db").statusCode() == 200);
	}

	@Test
	void redisCredentialThenWorksUntilItsExpiryAndTheReaperRemovesIt(CapturedOutput output) throws Exception {
		Map<String, Object> body = granted(CHECKOUT, "redis://cache");
		String username = (String) body.get("username");
		String password = (String) body.get("access_token");
		assertThat(((Number) body.get("expires_in")).longValue()).isLessThanOrEqualTo(3);

		try (StatefulRedisConnection<String, String> session = TARGETS.redisLogin(username, password)) {
			assertThat(session.sync().set("orders:7", "1")).isEqualTo("OK");
			assertThatExceptionOfType(RedisException.class).isThrownBy(() -> session.sync().get("payroll:7"))
				.withMessageContaining("NOPERM");
		}

		// Redis keeps users forever: the reaper removes it after its expiry.
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(TARGETS.redisUsers()).doesNotContain(username));
		assertThatExceptionOfType(RedisException.class)
			.isThrownBy(() -> TARGETS.redisLogin(username, password).close());
		assertThat(output.getAll()).doesNotContain(password);
		assertThat(Files.readString(AUDIT)).doesNotContain(password);
	}

	@Test
	@SuppressWarnings("unchecked")
	void governanceCountsIssuedCredentialsActiveLeasesAndTheKeyTheyReplace() throws Exception {
		granted(CHECKOUT, "postgresql://orders-db");

		HttpResponse<String> answer = admin("GET", "/admin/governance", null);

		assertThat(answer.statusCode()).isEqualTo(200);
		Map<String, Object> credentials = (Map<String, Object>) JSONObjectUtils.parse(answer.body()).get("credentials");
		assertThat((List<Map<String, Object>>) credentials.get("targets")).anySatisfy((target) -> {
			assertThat(target).containsEntry("id", "orders-db").containsEntry("admin_credential", "orders-db-admin");
			assertThat(((Number) target.get("issued_30_days")).longValue()).isPositive();
			assertThat(((Number) target.get("active_leases")).longValue()).isPositive();
		});
		assertThat((List<String>) credentials.get("replaced_by_credentials"))
			.containsExactly("checkout-orders-password");
	}

}

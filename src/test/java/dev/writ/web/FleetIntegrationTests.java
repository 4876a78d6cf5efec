package dev.writ.web;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.writ.WritApplication;
import dev.writ.testing.RedisServer;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Writ nodes and one real Redis: what one node sees, the other sees too — a used
 * one-time token, a revocation, a rate limit — and when Redis goes away, no request
 * hangs, exchanges that need it are refused, a source that may carry on does, and
 * everything recovers by itself when Redis is back.
 */
@TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class FleetIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static RedisServer redis;

	static WritTestSite site;

	static TestAuthority lenient;

	static ConfigurableApplicationContext nodeA;

	static ConfigurableApplicationContext nodeB;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@BeforeAll
	static void startFleet() throws Exception {
		redis = RedisServer.start();
		site = WritTestSite.create("""
				grants:
				  - id: jobs-deploy
				    subject_pattern: "spiffe://test\\\\.example\\\\.org/ns/ci/sa/[a-z-]+"
				    audience: https://deploy.example.org
				    scopes: [deploy]
				  - id: payments-introspects
				    subject: spiffe://test.example.org/ns/prod/sa/payments
				    audience: http://localhost:8080
				    scopes: [writ:introspect]
				  - id: lenient-reads
				    subject_pattern: "spiffe://lenient\\\\.example\\\\.org/.*"
				    audience: https://catalog.example.org
				    scopes: [read]
				""");
		lenient = TestAuthority.ec("lenient.example.org", Clock.systemUTC());
		lenient.writeBundle(site.keys().resolve("trust/lenient.json"));
		Files.writeString(site.policies().resolve("trust.yaml"), """
				spiffe:
				  - trust_domain: test.example.org
				    bundle: { file: keys/trust/test.example.org.bundle.json }
				    replay: one-time
				    rate_limit: { subject: "3 per 1m" }
				  - trust_domain: lenient.example.org
				    bundle: { file: keys/trust/lenient.json }
				    on_store_failure: carry-on
				""");
		nodeA = start();
		nodeB = start(); // after A: B loads the signing key A generated, as a second
							// replica would
	}

	static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(WritApplication.class).run("--server.port=0", "--writ.issuer=" + ISSUER,
				"--writ.policies-dir=" + site.policies(), "--writ.keys-dir=" + site.keys(), "--writ.store.type=redis",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
				"--management.endpoint.health.show-details=always");
	}

	@AfterAll
	static void stopFleet() {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { nodeA, nodeB }) {
			if (node != null) {
				node.close();
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	HttpResponse<String> post(ConfigurableApplicationContext node, String path, String bearer, String body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port(node) + path))
			.timeout(Duration.ofSeconds(5)) // a hung request fails the test
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> exchange(ConfigurableApplicationContext node, String subjectToken, String audience)
			throws Exception {
		return post(node, "/oauth2/token", null,
				"grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token_type="
						+ enc("urn:ietf:params:oauth:token-type:jwt") + "&subject_token=" + subjectToken + "&audience="
						+ enc(audience));
	}

	HttpResponse<String> health(ConfigurableApplicationContext node, String group) {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port(node) + "/actuator/health" + group))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Object status(HttpResponse<String> health) {
		try {
			return json(health).get("status");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static Map<String, Object> json(HttpResponse<String> response) throws Exception {
		return JSONObjectUtils.parse(response.body());
	}

	static String job(String name) {
		return site.authority().svid("/ns/ci/sa/" + name).claim("jti", java.util.UUID.randomUUID().toString()).sign();
	}

	@Test
	@org.junit.jupiter.api.Order(1)
	void exchangeWhenUsedOnNodeAThenReplayOnNodeBRefused() throws Exception {
		String token = job("build");

		assertThat(exchange(nodeA, token, "https://deploy.example.org").statusCode()).isEqualTo(200);
		HttpResponse<String> replay = exchange(nodeB, token, "https://deploy.example.org");

		assertThat(replay.statusCode()).isEqualTo(400);
		assertThat(json(replay)).containsEntry("error_description",
				"subject_token has already been used: this issuer's tokens are exchanged once each, "
						+ "so present a fresh one for every exchange");
	}

	@Test
	@org.junit.jupiter.api.Order(2)
	void revokeOnNodeAThenIntrospectionOnNodeBSeesIt() throws Exception {
		String access = (String) json(exchange(nodeA, job("release"), "https://deploy.example.org"))
			.get("access_token");
		String introspector = (String) json(
				exchange(nodeB, site.authority().svid("/ns/prod/sa/payments").claim("jti", "p-1").sign(), ISSUER))
			.get("access_token");
		assertThat(json(post(nodeB, "/oauth2/introspect", introspector, "token=" + access))).containsEntry("active",
				true);

		assertThat(post(nodeA, "/oauth2/revoke", null, "token=" + access).statusCode()).isEqualTo(200);

		assertThat(json(post(nodeB, "/oauth2/introspect", introspector, "token=" + access))).containsEntry("active",
				false);
	}

	@Test
	@org.junit.jupiter.api.Order(3)
	void rateLimitWhenSpreadOverBothNodesThenCountedOnce() throws Exception {
		assertThat(exchange(nodeA, job("lint"), "https://deploy.example.org").statusCode()).isEqualTo(200);
		assertThat(exchange(nodeB, job("lint"), "https://deploy.example.org").statusCode()).isEqualTo(200);
		assertThat(exchange(nodeA, job("lint"), "https://deploy.example.org").statusCode()).isEqualTo(200);

		HttpResponse<String> fourth = exchange(nodeB, job("lint"), "https://deploy.example.org");

		assertThat(fourth.statusCode()).isEqualTo(429);
		assertThat(json(fourth)).containsEntry("error", "slow_down");
		assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
	}

	@Test
	@org.junit.jupiter.api.Order(4)
	void redisGoneThenRefusedFastOrCarriedOnAndRecoveredWhenBack(CapturedOutput output) throws Exception {
		redis.stop();
		try {
			HttpResponse<String> refused = exchange(nodeA, job("test"), "https://deploy.example.org");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(json(refused)).containsEntry("error", "temporarily_unavailable");
			assertThat(refused.headers().firstValue("Retry-After")).isPresent();

			assertThat(
					exchange(nodeB, lenient.svid("/catalog-reader").sign(), "https://catalog.example.org").statusCode())
				.isEqualTo(200);

			// The node still serves: ready but degraded (200, so a load balancer keeps
			// it), alive, and it said so.
			await("the store monitor to see Redis gone").atMost(Duration.ofSeconds(15))
				.until(() -> health(nodeA, "").body().contains("DEGRADED"));
			HttpResponse<String> health = health(nodeA, "");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(JSONObjectUtils.getJSONObject(json(health), "components").get("store").toString())
				.contains("DEGRADED");
			HttpResponse<String> readiness = health(nodeA, "/readiness");
			assertThat(readiness.statusCode()).isEqualTo(200);
			assertThat(json(readiness)).containsEntry("status", "DEGRADED");
			HttpResponse<String> liveness = health(nodeA, "/liveness");
			assertThat(liveness.statusCode()).isEqualTo(200);
			assertThat(json(liveness)).containsEntry("status", "UP");
			assertThat(output.getAll()).contains("Store: redis at 127.0.0.1:" + redis.port() + " became unreachable");
		}
		finally {
			redis.startAgain();
		}
		await("node A's store monitor to see Redis back").atMost(Duration.ofSeconds(15))
			.until(() -> "UP".equals(status(health(nodeA, "/readiness"))));
		await("the log to say so").atMost(Duration.ofSeconds(5))
			.until(() -> output.getAll().contains("Store: redis at 127.0.0.1:" + redis.port() + " is reachable again"));
		// Lettuce reconnects in the background, each node on its own schedule: exchanges
		// succeed again on both
		// without any restart.
		for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
			await("an exchange to succeed again").atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> exchange(node, job("after"), "https://deploy.example.org").statusCode() == 200);
		}
	}

}

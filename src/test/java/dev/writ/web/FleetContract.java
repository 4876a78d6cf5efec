package dev.writ.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.writ.WritApplication;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Writ nodes and one real Redis, of whichever topology a subclass starts: what one
 * node sees, the other sees too — a used one-time token, a revocation, a rate limit.
 * Subclasses add what their topology does when a part of it goes away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
abstract class FleetContract {

	static final String ISSUER = "http://localhost:8080";

	WritTestSite site;

	TestAuthority lenient;

	ConfigurableApplicationContext nodeA;

	ConfigurableApplicationContext nodeB;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	/** Starts Redis; the Spring Boot settings that reach it. */
	abstract List<String> startRedis();

	abstract void stopRedis();

	@BeforeAll
	void startFleet() throws Exception {
		List<String> redis = startRedis();
		this.site = WritTestSite.create("""
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
				  - id: lenient-b-for-a
				    subject: spiffe://lenient.example.org/a
				    from_audience: https://catalog.example.org
				    actor: spiffe://lenient.example.org/b
				    audience: https://orders.example.org
				    scopes: [read]
				""");
		this.lenient = TestAuthority.ec("lenient.example.org", Clock.systemUTC());
		this.lenient.writeBundle(this.site.keys().resolve("trust/lenient.json"));
		Files.writeString(this.site.policies().resolve("trust.yaml"), """
				spiffe:
				  - trust_domain: test.example.org
				    bundle: { file: keys/trust/test.example.org.bundle.json }
				    replay: one-time
				    rate_limit: { subject: "3 per 1m" }
				  - trust_domain: lenient.example.org
				    bundle: { file: keys/trust/lenient.json }
				    on_store_failure: carry-on
				""");
		this.nodeA = start(redis);
		// After A: B loads the signing key A generated, as a second replica would.
		this.nodeB = start(redis);
	}

	ConfigurableApplicationContext start(List<String> redis) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--writ.issuer=" + ISSUER,
				"--writ.policies-dir=" + this.site.policies(), "--writ.keys-dir=" + this.site.keys(),
				"--writ.store.type=redis", "--management.endpoint.health.show-details=always"));
		redis.forEach((setting) -> arguments.add("--" + setting));
		return new SpringApplicationBuilder(WritApplication.class).run(arguments.toArray(String[]::new));
	}

	@AfterAll
	void stopFleet() {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { this.nodeA, this.nodeB }) {
			if (node != null) {
				node.close();
			}
		}
		stopRedis();
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
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
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

	String job(String name) {
		return this.site.authority().svid("/ns/ci/sa/" + name).claim("jti", UUID.randomUUID().toString()).sign();
	}

	@Test
	@Order(1)
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
	@Order(2)
	void revokeOnNodeAThenIntrospectionOnNodeBSeesIt() throws Exception {
		String access = (String) json(exchange(nodeA, job("release"), "https://deploy.example.org"))
			.get("access_token");
		String introspector = (String) json(
				exchange(nodeB, this.site.authority().svid("/ns/prod/sa/payments").claim("jti", "p-1").sign(), ISSUER))
			.get("access_token");
		assertThat(json(post(nodeB, "/oauth2/introspect", introspector, "token=" + access))).containsEntry("active",
				true);

		assertThat(post(nodeA, "/oauth2/revoke", null, "token=" + access).statusCode()).isEqualTo(200);

		assertThat(json(post(nodeB, "/oauth2/introspect", introspector, "token=" + access))).containsEntry("active",
				false);
	}

	@Test
	@Order(3)
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
	@Order(4)
	void rootRevokedOnNodeAThenTheTokenDerivedOnNodeBInactiveOnBoth() throws Exception {
		String root = (String) json(exchange(nodeA, this.lenient.svid("/a").sign(), "https://catalog.example.org"))
			.get("access_token");
		HttpResponse<String> hop = post(nodeB, "/oauth2/token", null,
				"grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token_type="
						+ enc("urn:ietf:params:oauth:token-type:access_token") + "&subject_token=" + root
						+ "&actor_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt") + "&actor_token="
						+ this.lenient.svid("/b").sign() + "&audience=" + enc("https://orders.example.org"));
		assertThat(hop.statusCode()).as(hop.body()).isEqualTo(200);
		String derived = (String) json(hop).get("access_token");
		String introspector = (String) json(
				exchange(nodeA, this.site.authority().svid("/ns/prod/sa/payments").claim("jti", "p-4").sign(), ISSUER))
			.get("access_token");
		assertThat(json(post(nodeA, "/oauth2/introspect", introspector, "token=" + derived)))
			.containsEntry("active", true)
			.containsEntry("act", Map.of("sub", "spiffe://lenient.example.org/b"));

		assertThat(post(nodeA, "/oauth2/revoke", null, "token=" + root).statusCode()).isEqualTo(200);

		assertThat(json(post(nodeB, "/oauth2/introspect", introspector, "token=" + derived)))
			.containsExactly(Map.entry("active", false));
		assertThat(json(post(nodeA, "/oauth2/introspect", introspector, "token=" + derived)))
			.containsExactly(Map.entry("active", false));
	}

	@Test
	@Order(5)
	void dpopProofUsedOnNodeAThenRefusedOnNodeB() throws Exception {
		dev.writ.testing.TestDpop client = dev.writ.testing.TestDpop.generate();
		String proof = client.proof("POST", ISSUER + "/oauth2/token");

		assertThat(exchangeWithProof(nodeA, proof).statusCode()).isEqualTo(200);
		HttpResponse<String> replay = exchangeWithProof(nodeB, proof);

		assertThat(replay.statusCode()).isEqualTo(400);
		assertThat(json(replay)).containsEntry("error", "invalid_dpop_proof")
			.containsEntry("error_description",
					"the DPoP proof has been used before: make a fresh proof for every request");
	}

	@Test
	@Order(5)
	void dpopProofForAnotherUrlOrMethodStaleOrWithAPrivateKeyThenRefusedOnEveryNode() throws Exception {
		dev.writ.testing.TestDpop client = dev.writ.testing.TestDpop.generate();
		String tokenEndpoint = ISSUER + "/oauth2/token";
		for (ConfigurableApplicationContext node : List.of(this.nodeA, this.nodeB)) {
			Map<String, String> proofs = Map.of("another URL", client.proof("POST", ISSUER + "/oauth2/introspect"),
					"another method", client.proof("GET", tokenEndpoint), "a stale iat",
					client.proof("POST", tokenEndpoint, java.time.Instant.now())
						.iatOffset(Duration.ofMinutes(-5))
						.sign(),
					"a private key member",
					client.proof("POST", tokenEndpoint, java.time.Instant.now()).withPrivateJwk().sign());
			for (Map.Entry<String, String> proof : proofs.entrySet()) {
				HttpResponse<String> refused = exchangeWithProof(node, proof.getValue());
				assertThat(refused.statusCode()).as(proof.getKey()).isEqualTo(400);
				assertThat(json(refused)).as(proof.getKey())
					.containsEntry("error", "invalid_dpop_proof")
					.doesNotContainKey("access_token");
			}
		}
	}

	HttpResponse<String> exchangeWithProof(ConfigurableApplicationContext node, String proof) throws Exception {
		return this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port(node) + "/oauth2/token"))
					.timeout(Duration.ofSeconds(5))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.header("DPoP", proof)
					.POST(HttpRequest.BodyPublishers.ofString("grant_type="
							+ enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token_type="
							+ enc("urn:ietf:params:oauth:token-type:jwt") + "&subject_token="
							+ this.lenient.svid("/dpop").sign() + "&audience=" + enc("https://catalog.example.org")))
					.build(),
				HttpResponse.BodyHandlers.ofString());
	}

}

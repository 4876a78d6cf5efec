package dev.writ.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.FakeIssuer;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Writ trusting a SPIFFE trust domain and three OIDC issuers over real HTTP on
 * loopback — GitHub Actions by discovery, GitLab by JWKS URL, a Kubernetes cluster by
 * JWKS file — exchanging each one's token, picking up a key rotation without restart, and
 * riding out an issuer outage up to the bound.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class FederatedExchangeIntegrationTests {

	static final MutableClock CLOCK = new MutableClock(Instant.now());

	static final FakeIssuer GITHUB = FakeIssuer.start(CLOCK);

	static final FakeIssuer GITLAB = FakeIssuer.start(CLOCK);

	static final TestAuthority CLUSTER = TestAuthority.ec("cluster", CLOCK);

	static final String CLUSTER_ISSUER = "https://kubernetes.default.svc.cluster.local";

	static final WritTestSite SITE = site();

	static WritTestSite site() {
		WritTestSite site = WritTestSite.create("""
				grants:
				  - id: checkout-pays
				    subject: spiffe://test.example.org/ns/prod/sa/checkout
				    audience: https://payments.example.org
				    scopes: [payments:charge]
				  - id: deploy-payments
				    trust: github
				    subject: repo:acme/payments:environment:prod
				    claims: { repository_owner_id: "4242" }
				    audience: https://deploy.example.org
				    scopes: [deploy]
				  - id: web-artifacts
				    trust: gitlab
				    subject_pattern: "project_path:acme/web:ref_type:branch:ref:[a-z0-9._/-]+"
				    when: claims.namespace_id == '77' && claims.ref_protected == 'true'
				    audience: https://artifacts.example.org
				    scopes: [artifacts:write]
				  - id: orders-inventory
				    trust: cluster
				    subject: system:serviceaccount:shop:orders
				    audience: https://inventory.example.org
				    scopes: [inventory:read]
				""", CLOCK);
		try {
			Files.writeString(site.keys().resolve("trust/cluster.jwks.json"),
					new JWKSet(List.of(CLUSTER.oidcPublicKey())).toString(true));
			Files.writeString(site.policies().resolve("oidc.yaml"), """
					oidc:
					  - name: github
					    preset: github-actions
					    issuer: %s
					  - name: gitlab
					    preset: gitlab
					    issuer: %s
					    jwks: { url: %s/jwks }
					  - name: cluster
					    preset: kubernetes
					    issuer: %s
					    jwks: { file: keys/trust/cluster.jwks.json }
					""".formatted(GITHUB.issuer(), GITLAB.issuer(), GITLAB.issuer(), CLUSTER_ISSUER));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return site;
	}

	@TestConfiguration
	static class Time {

		@Bean
		@Primary
		Clock testClock() {
			return CLOCK;
		}

	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> TestSvid.DEFAULT_AUDIENCE);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.trust.allow-loopback-http", () -> "true");
	}

	@AfterAll
	static void stop() {
		GITHUB.close();
		GITLAB.close();
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	static String github() {
		// Real GitHub tokens carry a unique jti; github-actions is a one-time source.
		return GITHUB.token("repo:acme/payments:environment:prod")
			.claim("jti", java.util.UUID.randomUUID().toString())
			.claim("repository", "acme/payments")
			.claim("repository_owner", "acme")
			.claim("repository_owner_id", "4242")
			.claim("environment", "prod")
			.claim("ref", "refs/heads/main")
			.claim("job_workflow_ref", "acme/payments/.github/workflows/deploy.yml@refs/heads/main")
			.sign();
	}

	static String gitlab() {
		return GITLAB.token("project_path:acme/web:ref_type:branch:ref:main")
			.claim("jti", java.util.UUID.randomUUID().toString())
			.claim("namespace_path", "acme")
			.claim("namespace_id", "77")
			.claim("project_path", "acme/web")
			.claim("ref", "main")
			.claim("ref_type", "branch")
			.claim("ref_protected", "true")
			.sign();
	}

	static String kubernetes() {
		return CLUSTER.token(CLUSTER_ISSUER, "system:serviceaccount:shop:orders")
			.claim("kubernetes.io",
					Map.of("namespace", "shop", "serviceaccount", Map.of("name", "orders", "uid", "u-1"), "pod",
							Map.of("name", "orders-7d9f", "uid", "p-1")))
			.sign();
	}

	@Test
	void exchangeWhenEachKindOfIdentityThenEachGetsItsToken(CapturedOutput output) throws Exception {
		assertThat(exchange(SITE.authority().svid("/ns/prod/sa/checkout").sign(), "https://payments.example.org"))
			.containsEntry("scope", "payments:charge");
		assertThat(exchange(github(), "https://deploy.example.org")).containsEntry("scope", "deploy");
		assertThat(exchange(gitlab(), "https://artifacts.example.org")).containsEntry("scope", "artifacts:write");
		assertThat(exchange(kubernetes(), "https://inventory.example.org")).containsEntry("scope", "inventory:read");

		String audit = output.getAll();
		assertThat(audit).contains("\"grant\":\"deploy-payments\"", "\"grant\":\"web-artifacts\"",
				"\"grant\":\"orders-inventory\"", "\"grant\":\"checkout-pays\"");
		// Each preset mapped its issuer's real claims to context attributes.
		assertThat(audit).contains("\"tenant\":\"acme\"", "\"tenant_id\":\"4242\"", "\"environment\":\"prod\"",
				"\"service\":\"acme/web\"", "\"namespace\":\"shop\"", "\"service\":\"orders\"");
	}

	@Test
	void exchangeWhenAGitHubTokenIsPresentedTwiceThenTheSecondIsAReplay() throws Exception {
		String token = github();

		assertThat(exchange(token, "https://deploy.example.org")).containsKey("access_token");
		assertThat(exchange(token, "https://deploy.example.org")).containsEntry("error", "invalid_request")
			.containsEntry("error_description",
					"subject_token has already been used: this issuer's tokens are exchanged once each, "
							+ "so present a fresh one for every exchange");
	}

	@Test
	void exchangeWhenTokenOfOneIssuerPresentedForAnotherIssuersGrantThenRefused() throws Exception {
		// GitLab's key signing a token that claims GitHub's issuer and GitHub's subject.
		String forged = GITLAB.current().token(GITHUB.issuer(), "repo:acme/payments:environment:prod").sign();

		assertThat(exchange(forged, "https://deploy.example.org")).containsEntry("error", "invalid_request");
	}

	@Test
	void exchangeWhenIssuerRotatesThenNoRestartNeededAndOutageRiddenOutToTheBound() throws Exception {
		assertThat(exchange(github(), "https://deploy.example.org")).containsKey("access_token");

		GITHUB.rotate();
		GITHUB.retireOldKeys();
		// An unknown kid refetches at most once per writ.trust.min-refetch-interval
		// (30s): another test's forged
		// kid may have spent this instant's fetch.
		CLOCK.advance(Duration.ofSeconds(30));
		assertThat(exchange(github(), "https://deploy.example.org")).containsKey("access_token");

		GITHUB.mode(FakeIssuer.Mode.DOWN);
		CLOCK.advance(Duration.ofHours(5));
		assertThat(exchange(github(), "https://deploy.example.org")).containsKey("access_token");

		CLOCK.advance(Duration.ofHours(1));
		Map<String, Object> refused = exchange(github(), "https://deploy.example.org");
		assertThat(refused).containsEntry("error", "invalid_request")
			.containsEntry("error_description", "subject_token could not be verified");
		// Other issuers are unaffected by GitHub's outage.
		assertThat(exchange(kubernetes(), "https://inventory.example.org")).containsKey("access_token");

		GITHUB.mode(FakeIssuer.Mode.UP);
		CLOCK.advance(Duration.ofSeconds(10));
		assertThat(exchange(github(), "https://deploy.example.org")).containsKey("access_token");
	}

	private Map<String, Object> exchange(String subjectToken, String audience) throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("audience", audience);
		String body = form.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return JSONObjectUtils.parse(response.body());
	}

}

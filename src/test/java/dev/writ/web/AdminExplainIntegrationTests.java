package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/explain}, on: admins obtain a Writ token for Writ's own issuer with
 * scope writ:explain by exchange, as any workload obtains its tokens, and present it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminExplainIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: admins-explain
			    subject: spiffe://test.example.org/ns/ops/sa/admin
			    audience: http://localhost:8080
			    scopes: [writ:explain]
			  - id: viewers
			    subject: spiffe://test.example.org/ns/ops/sa/viewer
			    audience: http://localhost:8080
			    scopes: [writ:view]
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			""");

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.admin.explain", () -> "true");
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	private String token(String path, String audience) throws Exception {
		return (String) JSONObjectUtils
			.parse(TestExchanges.exchange(this.http, base(), SITE.authority().svid(path).sign(), audience).body())
			.get("access_token");
	}

	private HttpResponse<String> explain(String bearer, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/admin/explain"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	@Test
	void explainWhenAdminTokenThenDecisionAndEveryGrant() throws Exception {
		String admin = token("/ns/ops/sa/admin", ISSUER);

		HttpResponse<String> response = explain(admin, """
				{"subject": "spiffe://test.example.org/ns/prod/sa/checkout",
				 "audience": "https://payments.example.org", "scope": "payments:charge payments:refund"}
				""");

		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> body = JSONObjectUtils.parse(response.body());
		assertThat(body).containsEntry("decision", "deny")
			.containsEntry("error", "invalid_scope")
			.containsKey("policy_digest");
		assertThat(response.body()).contains("\"grant\":\"checkout-pays\"", "does not grant [payments:refund]");
	}

	@Test
	void explainWhenAllowedThenGrantScopesAndLifetime() throws Exception {
		HttpResponse<String> response = explain(token("/ns/ops/sa/admin", ISSUER), """
				{"subject": "spiffe://test.example.org/ns/prod/sa/checkout", "audience": "https://payments.example.org",
				 "expires_in": "2m"}
				""");

		assertThat(JSONObjectUtils.parse(response.body())).containsEntry("decision", "allow")
			.containsEntry("grant", "checkout-pays")
			.containsEntry("ttl_seconds", 120L);
	}

	@Test
	void explainWhenNoTokenThen401() throws Exception {
		assertThat(explain(null, "{\"subject\": \"spiffe://test.example.org/a\"}").statusCode()).isEqualTo(401);
	}

	@Test
	void explainWhenTokenForAnotherAudienceThen401() throws Exception {
		String payments = token("/ns/prod/sa/checkout", "https://payments.example.org");

		assertThat(explain(payments, "{\"subject\": \"spiffe://test.example.org/a\"}").statusCode()).isEqualTo(401);
	}

	@Test
	void explainWhenTokenWithoutTheScopeThen403() throws Exception {
		String viewer = token("/ns/ops/sa/viewer", ISSUER);

		assertThat(explain(viewer, "{\"subject\": \"spiffe://test.example.org/a\"}").statusCode()).isEqualTo(403);
	}

	@Test
	void explainWhenSubjectMissingThen400() throws Exception {
		assertThat(explain(token("/ns/ops/sa/admin", ISSUER), "{}").statusCode()).isEqualTo(400);
	}

}

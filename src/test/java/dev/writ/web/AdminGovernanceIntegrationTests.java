package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
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
 * {@code GET /admin/governance} on a running Writ: the register's states, and the
 * checkout key turning ready-to-retire once checkout has exchanged for the audience that
 * replaces it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminGovernanceIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: security-reads-the-register
			    subject: spiffe://test.example.org/ns/ops/sa/security
			    audience: http://localhost:8080
			    scopes: [writ:governance]
			  - id: viewers
			    subject: spiffe://test.example.org/ns/ops/sa/viewer
			    audience: http://localhost:8080
			    scopes: [writ:view]
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			  - id: never-used
			    subject: spiffe://test.example.org/ns/prod/sa/batch
			    audience: https://ledger.example.org
			    scopes: []
			owners: [payments-team]
			api_keys:
			  - id: checkout-payments-key
			    system: https://payments.example.org
			    holder: spiffe://test.example.org/ns/prod/sa/checkout
			    owner: payments-team
			    justification: payments took only its API key
			    kind: transitional
			    expires: 2099-12-31
			    stored_in: vault:secret/data/checkout/payments
			    migration_trigger: checkout exchanges at Writ
			    federates_to: https://payments.example.org
			  - id: orphan-key
			    system: https://legacy.example.org
			    holder: spiffe://test.example.org/ns/prod/sa/batch
			    owner: departed-team
			    justification: nobody knows
			    kind: permanent
			    review_every: 52w
			    reviewed: 2099-01-01
			    stored_in: vault:secret/data/batch/legacy
			    migration_trigger: unknown
			""");

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	private String token(String path, String audience) throws Exception {
		return (String) JSONObjectUtils
			.parse(TestExchanges.exchange(this.http, base(), SITE.authority().svid(path).sign(), audience).body())
			.get("access_token");
	}

	private HttpResponse<String> governance(String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/admin/governance"));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> states(Map<String, Object> body) {
		Map<String, String> states = new java.util.TreeMap<>();
		for (Object key : (List<Object>) body.get("api_keys")) {
			Map<String, Object> row = (Map<String, Object>) key;
			states.put((String) row.get("id"), (String) row.get("state"));
		}
		return states;
	}

	@Test
	@SuppressWarnings("unchecked")
	void checkoutExchangesForTheAudienceThenItsKeyIsReadyToRetireAndTheOrphanOwnerUnknown() throws Exception {
		String security = token("/ns/ops/sa/security", ISSUER);
		Map<String, Object> before = JSONObjectUtils.parse(governance(security).body());
		assertThat(states(before)).containsEntry("checkout-payments-key", "ok")
			.containsEntry("orphan-key", "owner-unknown");

		token("/ns/prod/sa/checkout", "https://payments.example.org");

		HttpResponse<String> answer = governance(security);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((v) -> assertThat(v).contains("no-store"));
		Map<String, Object> after = JSONObjectUtils.parse(answer.body());
		assertThat(states(after)).containsEntry("checkout-payments-key", "ready-to-retire")
			.containsEntry("orphan-key", "owner-unknown");
		Map<String, Object> summary = (Map<String, Object>) after.get("summary");
		assertThat(summary).containsEntry("grants", 4L).containsEntry("api_keys", 2L);
		assertThat((List<String>) summary.get("ready_to_retire")).containsExactly("checkout-payments-key");
		assertThat((List<String>) summary.get("grants_without_use")).contains("never-used")
			.doesNotContain("checkout-pays", "security-reads-the-register");
		assertThat(answer.body()).contains("vault:secret/data/checkout/payments");
		assertThat((List<Map<String, Object>>) after.get("subjects")).anySatisfy(
				(row) -> assertThat(row).containsEntry("subject", "spiffe://test.example.org/ns/prod/sa/checkout")
					.containsEntry("exchanges_30_days", 1L));
		assertThat((List<Map<String, Object>>) after.get("grants")).anySatisfy(
				(row) -> assertThat(row).containsEntry("id", "checkout-pays").containsEntry("exchanges_30_days", 1L));

		String metrics = this.http
			.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics)
			.containsPattern("writ_api_key_exceptions\\{kind=\"transitional\",state=\"ready-to-retire\"\\} 1\\.0")
			.containsPattern("writ_api_key_exceptions\\{kind=\"permanent\",state=\"owner-unknown\"\\} 1\\.0");
	}

	@Test
	void noTokenOrATokenWithoutTheScopeThenRefused() throws Exception {
		assertThat(governance(null).statusCode()).isEqualTo(401);
		assertThat(governance(token("/ns/ops/sa/viewer", ISSUER)).statusCode()).isEqualTo(403);
		// Another method is not this endpoint: the default chain's 404, whatever the
		// token.
		HttpResponse<String> post = this.http.send(HttpRequest.newBuilder(URI.create(base() + "/admin/governance"))
			.header("Authorization", "Bearer " + token("/ns/ops/sa/security", ISSUER))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(post.statusCode()).isEqualTo(404);
	}

}

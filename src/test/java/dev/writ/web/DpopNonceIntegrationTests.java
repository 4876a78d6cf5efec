package dev.writ.web;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestDpop;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP server nonces (RFC 9449 §8) against a running Writ with
 * {@code writ.dpop.require-nonce}: a proof without the server's nonce is answered
 * {@code use_dpop_nonce} with one in {@code DPoP-Nonce}; the retry with it is served, and
 * every answer carries a nonce; a made-up nonce is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "writ.dpop.require-nonce=true")
class DpopNonceIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: checkout-pays
			    subject: spiffe://test.example.org/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			""");

	static {
		// A tight refusal budget: the nonce challenge must not spend it.
		try {
			java.nio.file.Files.writeString(SITE.policies().resolve("trust.yaml"), """
					spiffe:
					  - trust_domain: %s
					    bundle: { file: keys/trust/%s.bundle.json }
					    rate_limit: { subject: "3 per 1m" }
					""".formatted(WritTestSite.TRUST_DOMAIN, WritTestSite.TRUST_DOMAIN));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	final TestDpop client = TestDpop.generate();

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	HttpResponse<String> exchange(String proof) throws Exception {
		return TestExchanges.exchange(this.http, "http://localhost:" + this.port,
				SITE.authority().svid("/checkout").claim("jti", UUID.randomUUID().toString()).sign(),
				"https://payments.example.org", proof);
	}

	@Test
	void proofWithoutTheNonceThenUseDpopNonceAndTheRetryWithItServed() throws Exception {
		HttpResponse<String> first = exchange(this.client.proof("POST", ISSUER + "/oauth2/token"));

		assertThat(first.statusCode()).as(first.body()).isEqualTo(400);
		assertThat(JSONObjectUtils.parse(first.body())).containsEntry("error", "use_dpop_nonce")
			.doesNotContainKey("access_token");
		String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();

		HttpResponse<String> retry = exchange(
				this.client.proof("POST", ISSUER + "/oauth2/token", Instant.now()).nonce(nonce).sign());
		assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
		assertThat(JSONObjectUtils.parse(retry.body())).containsEntry("token_type", "DPoP");
		assertThat(retry.headers().firstValue("DPoP-Nonce")).isPresent();
	}

	@Test
	void nonceChallengesThenNoRefusalBudgetSpent() throws Exception {
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> challenged = exchange(this.client.proof("POST", ISSUER + "/oauth2/token"));
			assertThat(JSONObjectUtils.parse(challenged.body())).as("challenge " + i)
				.containsEntry("error", "use_dpop_nonce");
		}
	}

	@Test
	void proofWithAMadeUpNonceThenUseDpopNonce() throws Exception {
		HttpResponse<String> answer = exchange(this.client.proof("POST", ISSUER + "/oauth2/token", Instant.now())
			.nonce("29600000.not-a-kid.AAAAAAAAAAAAAAAAAAAAAA")
			.sign());

		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(JSONObjectUtils.parse(answer.body())).containsEntry("error", "use_dpop_nonce");
		assertThat(answer.headers().firstValue("DPoP-Nonce")).isPresent();
	}

}

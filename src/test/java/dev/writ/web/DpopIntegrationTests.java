package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestDpop;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * DPoP at the token endpoint (RFC 9449) against a running Writ: a proof binds the token
 * to its key ({@code cnf.jkt}, {@code token_type: DPoP}), a grant with
 * {@code binding: dpop} refuses a bearer request, a bound subject token is usable only
 * with a proof of its key, and every bad proof is {@code invalid_dpop_proof}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DpopIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final String HTU = ISSUER + "/oauth2/token";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: checkout-pays
			    subject: spiffe://test.example.org/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			  - id: checkout-ledger-bound
			    subject: spiffe://test.example.org/checkout
			    audience: https://ledger.example.org
			    scopes: [ledger:write]
			    binding: dpop
			  - id: payments-introspects
			    subject: spiffe://test.example.org/payments
			    audience: http://localhost:8080
			    scopes: [writ:introspect]
			""");

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

	String svid(String path) {
		return SITE.authority().svid(path).claim("jti", UUID.randomUUID().toString()).sign();
	}

	HttpResponse<String> exchange(String subjectToken, String audience, @Nullable String... proofs) throws Exception {
		return TestExchanges.exchange(this.http, "http://localhost:" + this.port, subjectToken, audience,
				Stream.of(proofs).filter(java.util.Objects::nonNull).toArray(String[]::new));
	}

	Map<String, Object> introspect(String token) throws Exception {
		String payments = (String) json(exchange(svid("/payments"), ISSUER)).get("access_token");
		return JSONObjectUtils.parse(
				this.http
					.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/introspect"))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.header("Authorization", "Bearer " + payments)
						.POST(HttpRequest.BodyPublishers.ofString("token=" + token))
						.build(), HttpResponse.BodyHandlers.ofString())
					.body());
	}

	static Map<String, Object> json(HttpResponse<String> response) throws Exception {
		return JSONObjectUtils.parse(response.body());
	}

	@Test
	@SuppressWarnings("unchecked")
	void proofThenTokenBoundToItsKeyAnsweredAndIntrospectedAsDpop() throws Exception {
		HttpResponse<String> answer = exchange(svid("/checkout"), "https://payments.example.org",
				this.client.proof("POST", HTU));

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		Map<String, Object> body = json(answer);
		assertThat(body).containsEntry("token_type", "DPoP");
		String token = (String) body.get("access_token");
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf"))
			.isEqualTo(Map.of("jkt", this.client.jkt()));

		Map<String, Object> introspected = introspect(token);
		assertThat(introspected).containsEntry("active", true)
			.containsEntry("token_type", "DPoP")
			.containsEntry("cnf", Map.of("jkt", this.client.jkt()));
		// Without a proof: a bearer token, as before.
		assertThat(json(exchange(svid("/checkout"), "https://payments.example.org"))).containsEntry("token_type",
				"Bearer");
	}

	@Test
	void bindingDpopGrantThenABearerRequestRefusedAndABoundOneServed() throws Exception {
		HttpResponse<String> bearer = exchange(svid("/checkout"), "https://ledger.example.org");

		assertThat(bearer.statusCode()).isEqualTo(400);
		assertThat(json(bearer)).containsEntry("error", "invalid_dpop_proof")
			.containsEntry("error_description", "this grant issues only DPoP-bound tokens: send a DPoP proof");
		assertThat(
				exchange(svid("/checkout"), "https://ledger.example.org", this.client.proof("POST", HTU)).statusCode())
			.isEqualTo(200);
	}

	@Test
	void subjectTokenBoundToAKeyThenUsableOnlyWithAProofOfThatKey() throws Exception {
		String bound = SITE.authority()
			.svid("/checkout")
			.claim("jti", UUID.randomUUID().toString())
			.claim("cnf", Map.of("jkt", this.client.jkt()))
			.sign();

		assertThat(json(exchange(bound, "https://payments.example.org"))).containsEntry("error", "invalid_dpop_proof")
			.containsEntry("error_description", "subject_token is DPoP-bound: send a DPoP proof of its key");
		assertThat(json(exchange(bound, "https://payments.example.org", TestDpop.generate().proof("POST", HTU))))
			.containsEntry("error", "invalid_dpop_proof");
		assertThat(exchange(bound, "https://payments.example.org", this.client.proof("POST", HTU)).statusCode())
			.isEqualTo(200);

		// Bound to the key and to a certificate: the certificate's binding cannot be
		// kept, so it is refused.
		String twice = SITE.authority()
			.svid("/checkout")
			.claim("jti", UUID.randomUUID().toString())
			.claim("cnf", Map.of("jkt", this.client.jkt(), "x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"))
			.sign();
		assertThat(json(exchange(twice, "https://payments.example.org", this.client.proof("POST", HTU))))
			.containsEntry("error", "invalid_dpop_proof");
	}

	@Test
	void boundTokenThenNotRevokedByWhoeverHoldsACopy() throws Exception {
		String bound = (String) json(
				exchange(svid("/checkout"), "https://payments.example.org", this.client.proof("POST", HTU)))
			.get("access_token");
		this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/revoke"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=" + bound))
			.build(), HttpResponse.BodyHandlers.ofString());

		Map<String, Object> introspected = introspect(bound);
		assertThat(introspected).containsEntry("active", true);
	}

	@Test
	void boundTokenAtWritsOwnEndpointsThenRefusedNotTakenAsBearer() throws Exception {
		String bound = (String) json(exchange(svid("/payments"), ISSUER, this.client.proof("POST", HTU)))
			.get("access_token");
		String access = (String) json(exchange(svid("/checkout"), "https://payments.example.org")).get("access_token");

		HttpResponse<String> introspection = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/introspect"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Bearer " + bound)
				.POST(HttpRequest.BodyPublishers.ofString("token=" + access))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(introspection.statusCode()).isEqualTo(401);
	}

	@Test
	void metadataNamesTheProofAlgorithms() throws Exception {
		Map<String, Object> metadata = JSONObjectUtils.parse(
				this.http
					.send(HttpRequest
						.newBuilder(
								URI.create("http://localhost:" + this.port + "/.well-known/oauth-authorization-server"))
						.build(), HttpResponse.BodyHandlers.ofString())
					.body());

		assertThat(metadata).containsEntry("dpop_signing_alg_values_supported",
				List.of("ES256", "ES384", "ES512", "RS256", "RS384", "RS512"));
	}

	static Stream<Arguments> proofs() {
		TestDpop client = TestDpop.generate();
		String used = client.proof("POST", HTU);
		return Stream.of(arguments("a replayed proof", List.of(used, used)),
				arguments("a proof for another URL", List.of(client.proof("POST", ISSUER + "/oauth2/introspect"))),
				arguments("a proof for another method", List.of(client.proof("GET", HTU))),
				arguments("a stale iat",
						List.of(client.proof("POST", HTU, Instant.now()).iatOffset(Duration.ofMinutes(-5)).sign())),
				arguments("a private key in the jwk",
						List.of(client.proof("POST", HTU, Instant.now()).withPrivateJwk().sign())),
				arguments("a proof signed by another key than its jwk",
						List.of(client.proof("POST", HTU, Instant.now()).withJwkOf(TestDpop.generate()).sign())),
				arguments("typ JWT", List.of(client.proof("POST", HTU, Instant.now()).typ("JWT").sign())),
				arguments("not a JWS", List.of("not-a-proof")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("proofs")
	void badProofThenInvalidDpopProofAndNoToken(String name, List<String> proofs) throws Exception {
		HttpResponse<String> last = null;
		for (String proof : proofs) {
			last = exchange(svid("/checkout"), "https://payments.example.org", proof);
		}

		assertThat(last.statusCode()).as(last.body()).isEqualTo(400);
		assertThat(json(last)).containsEntry("error", "invalid_dpop_proof").doesNotContainKey("access_token");
		assertThat(last.body()).doesNotContain(proofs.get(0));
	}

}

package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;
import dev.writ.token.AccessTokenMinter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 7662 introspection and RFC 7009 revocation over HTTP, authenticated by Writ's own
 * tokens.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenStatusIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: payments-introspects
			    subject: spiffe://test.example.org/ns/prod/sa/payments
			    audience: http://localhost:8080
			    scopes: [writ:introspect]
			  - id: ops-revokes
			    subject: spiffe://test.example.org/ns/ops/sa/admin
			    audience: http://localhost:8080
			    scopes: [writ:revoke]
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			  - id: gateway-for-checkout
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    actor: spiffe://test.example.org/ns/edge/sa/gateway
			    audience: https://ledger.example.org
			    scopes: [ledger:read]
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

	String token(String path, String audience) throws Exception {
		return (String) JSONObjectUtils
			.parse(TestExchanges
				.exchange(this.http, "http://localhost:" + this.port, SITE.authority().svid(path).sign(), audience)
				.body())
			.get("access_token");
	}

	HttpResponse<String> post(String path, String bearer, String contentType, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	Map<String, Object> introspect(String bearer, String token) throws Exception {
		return JSONObjectUtils
			.parse(post("/oauth2/introspect", bearer, "application/x-www-form-urlencoded", "token=" + token).body());
	}

	@org.springframework.beans.factory.annotation.Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	private double revocations(String kind) {
		var counter = this.meters.find("writ.revocations").tag("kind", kind).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void introspectThenActiveUntilTheHolderRevokesIt() throws Exception {
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);
		String access = token("/ns/prod/sa/checkout", "https://payments.example.org");

		assertThat(introspect(resourceServer, access)).containsEntry("active", true)
			.containsEntry("sub", "spiffe://test.example.org/ns/prod/sa/checkout")
			.containsEntry("scope", "payments:charge");

		// RFC 7009: the holder revokes its own token; the token is its own proof.
		double before = revocations("token");
		assertThat(post("/oauth2/revoke", null, "application/x-www-form-urlencoded", "token=" + access).statusCode())
			.isEqualTo(200);
		assertThat(introspect(resourceServer, access)).containsExactly(Map.entry("active", false));
		assertThat(revocations("token")).isEqualTo(before + 1);
		// Not a token of this Writ: 200 all the same (RFC 7009 §2.2), and nothing
		// counted.
		assertThat(post("/oauth2/revoke", null, "application/x-www-form-urlencoded", "token=not-a-token").statusCode())
			.isEqualTo(200);
		assertThat(revocations("token")).isEqualTo(before + 1);
	}

	@Test
	void introspectWhenDelegatedThenActNamesTheActor() throws Exception {
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);
		String form = "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
				+ "&subject_token_type=urn:ietf:params:oauth:token-type:jwt&subject_token="
				+ SITE.authority().svid("/ns/prod/sa/checkout").sign()
				+ "&actor_token_type=urn:ietf:params:oauth:token-type:jwt&actor_token="
				+ SITE.authority().svid("/ns/edge/sa/gateway").sign() + "&audience=https://ledger.example.org";
		HttpResponse<String> exchanged = post("/oauth2/token", null, "application/x-www-form-urlencoded", form);
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		String delegated = (String) JSONObjectUtils.parse(exchanged.body()).get("access_token");

		assertThat(introspect(resourceServer, delegated)).containsEntry("active", true)
			.containsEntry("sub", "spiffe://test.example.org/ns/prod/sa/checkout")
			.containsEntry("act", Map.of("sub", "spiffe://test.example.org/ns/edge/sa/gateway"))
			.containsEntry("grant", "gateway-for-checkout");
	}

	@Test
	void introspectWhenForeignTokenThenInactive() throws Exception {
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);

		assertThat(introspect(resourceServer, SITE.authority().svid("/x").sign()))
			.containsExactly(Map.entry("active", false));
	}

	@Test
	void introspectWhenNoTokenOrWrongScopeOrAudienceThenRefused() throws Exception {
		String access = token("/ns/prod/sa/checkout", "https://payments.example.org");

		assertThat(
				post("/oauth2/introspect", null, "application/x-www-form-urlencoded", "token=" + access).statusCode())
			.isEqualTo(401);
		assertThat(
				post("/oauth2/introspect", access, "application/x-www-form-urlencoded", "token=" + access).statusCode())
			.isEqualTo(401);
		String revoker = token("/ns/ops/sa/admin", ISSUER);
		assertThat(post("/oauth2/introspect", revoker, "application/x-www-form-urlencoded", "token=" + access)
			.statusCode()).isEqualTo(403);
	}

	@Test
	void introspectWhenAuthorityOnlyInScpThenRefused() throws Exception {
		// A Writ-signed token whose only authority is an scp claim, as a grant's
		// token_claims could once set it:
		// Spring's default converter read scp as scopes; Writ's endpoints read scope
		// only.
		SigningKeys keys = new KeyDirectory(SITE.keys(), java.time.Clock.systemUTC()).load();
		java.time.Instant now = java.time.Instant.now();
		String scpOnly = keys.active()
			.sign(AccessTokenMinter.AT_JWT,
					new JWTClaimsSet.Builder().issuer(ISSUER)
						.subject("spiffe://test.example.org/ns/prod/sa/nobody")
						.audience(ISSUER)
						.issueTime(java.util.Date.from(now))
						.expirationTime(java.util.Date.from(now.plusSeconds(60)))
						.jwtID("scp-only")
						.claim("scp", List.of("writ:introspect", "writ:revoke"))
						.build());
		String access = token("/ns/prod/sa/checkout", "https://payments.example.org");

		assertThat(post("/oauth2/introspect", scpOnly, "application/x-www-form-urlencoded", "token=" + access)
			.statusCode()).isEqualTo(403);
		assertThat(
				post("/admin/revocations", scpOnly, "application/json", "{\"grant\": \"checkout-pays\"}").statusCode())
			.isEqualTo(403);
	}

	@Test
	void introspectWhenTheBearerHeaderHoldsAJwkTheLibraryCannotParseThenInvalidToken() throws Exception {
		// Once a NullPointerException in the JOSE library's JWK parser, and a 500.
		String header = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					"{\"alg\":\"ES256\",\"kid\":\"k\",\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"oth\":[{}]}}"
						.getBytes(java.nio.charset.StandardCharsets.UTF_8));

		HttpResponse<String> response = post("/oauth2/introspect", header + ".e30.AAAA",
				"application/x-www-form-urlencoded", "token=x");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("invalid_token").doesNotContain("Exception");
	}

	@Test
	void adminEndpointsWhenTheCallersOwnTokenIsRevokedThenRefused() throws Exception {
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);
		String access = token("/ns/prod/sa/checkout", "https://payments.example.org");
		assertThat(post("/oauth2/introspect", resourceServer, "application/x-www-form-urlencoded", "token=" + access)
			.statusCode()).isEqualTo(200);

		// RFC 7009: the holder revokes its own token, say because it leaked.
		post("/oauth2/revoke", null, "application/x-www-form-urlencoded", "token=" + resourceServer);

		assertThat(post("/oauth2/introspect", resourceServer, "application/x-www-form-urlencoded", "token=" + access)
			.statusCode()).isEqualTo(401);
	}

	@Test
	void introspectAndRevokeWhenTheTokenIsInTheQueryStringThenInvalidRequest() throws Exception {
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);
		// Its own token as the one asked about: no other test revokes the payments
		// subject.
		String access = resourceServer;

		HttpResponse<String> introspected = post("/oauth2/introspect?token=" + access, resourceServer,
				"application/x-www-form-urlencoded", "token_type_hint=access_token");
		HttpResponse<String> revoked = post("/oauth2/revoke?token=" + access, null, "application/x-www-form-urlencoded",
				"token_type_hint=access_token");

		assertThat(introspected.statusCode()).isEqualTo(400);
		assertThat(introspected.body()).contains("invalid_request").doesNotContain("active");
		assertThat(revoked.statusCode()).isEqualTo(400);
		assertThat(introspect(resourceServer, access)).containsEntry("active", true);
	}

	@Test
	void introspectWhenTokensRespelledThenNeitherIsRead() throws Exception {
		// Its own token: no other test revokes the payments subject.
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);

		// The same signature bytes, padded: a lenient reader takes them for the same,
		// valid token.
		assertThat(introspect(resourceServer, resourceServer + "%3D%3D")).containsExactly(Map.entry("active", false));
		assertThat(post("/oauth2/introspect", resourceServer + "==", "application/x-www-form-urlencoded",
				"token=" + resourceServer)
			.statusCode()).isEqualTo(401);
		assertThat(introspect(resourceServer, resourceServer)).containsEntry("active", true);
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void adminRevocationWhenTheBodyHoldsLineBreaksThenTheLogLineCannotBeForged(
			org.springframework.boot.test.system.CapturedOutput output) throws Exception {
		String admin = token("/ns/ops/sa/admin", ISSUER);

		assertThat(
				post("/admin/revocations", admin, "application/json", "{\"grant\": \"nobody\\r\\nFORGED ERROR line\"}")
					.statusCode())
			.isEqualTo(200);

		assertThat(output.getAll()).contains("under grant nobody\\u000d\\u000aFORGED ERROR line");
		assertThat(output.getAll().lines()).noneMatch((line) -> line.startsWith("FORGED"));
	}

	@Test
	void adminRevocationOfASubjectThenItsTokensInactive() throws Exception {
		String resourceServer = token("/ns/prod/sa/payments", ISSUER);
		String access = token("/ns/prod/sa/checkout", "https://payments.example.org");
		String admin = token("/ns/ops/sa/admin", ISSUER);

		HttpResponse<String> revoked = post("/admin/revocations", admin, "application/json",
				"{\"subject\": \"spiffe://test.example.org/ns/prod/sa/checkout\"}");

		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(introspect(resourceServer, access)).containsEntry("active", false);
		assertThat(revocations("subject")).isEqualTo(1);
		assertThat(post("/admin/revocations", resourceServer, "application/json", "{\"grant\": \"checkout-pays\"}")
			.statusCode()).isEqualTo(403);
	}

	@Test
	void metadataThenNamesIntrospectionAndRevocation() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/.well-known/oauth-authorization-server"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(JSONObjectUtils.parse(response.body()))
			.containsEntry("introspection_endpoint", ISSUER + "/oauth2/introspect")
			.containsEntry("revocation_endpoint", ISSUER + "/oauth2/revoke");
	}

}

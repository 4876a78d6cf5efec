package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
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

import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestSpiffeCa;
import dev.writ.testing.TestTls;
import dev.writ.testing.WritTestSite;
import dev.writ.trust.X509SvidVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Mutual TLS against a running Writ over real TLS, with certificates made at test time:
 * an X.509-SVID issued by the trust domain's CA, published as its bundle's
 * {@code x509-svid} authority, is an identity on its own (no {@code subject_token}), and
 * its token is bound to the certificate ({@code cnf.x5t#S256}, RFC 8705 §3); an expired,
 * CA-flagged, two-SAN or other trust domain's certificate is refused; a
 * {@code binding: mtls} grant refuses a bearer request; a client without a certificate is
 * served on the same port as before.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.ssl.bundle=writ",
				"spring.ssl.bundle.pem.writ.keystore.certificate=file:target/mtls-integration/tls.crt",
				"spring.ssl.bundle.pem.writ.keystore.private-key=file:target/mtls-integration/tls.key",
				"writ.issuer=" + MutualTlsIntegrationTests.ISSUER })
class MutualTlsIntegrationTests {

	static final String ISSUER = "https://localhost";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: api-pays
			    subject: spiffe://test.example.org/api
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			  - id: api-ledger-mtls
			    subject: spiffe://test.example.org/api
			    audience: https://ledger.example.org
			    scopes: [ledger:write]
			    binding: mtls
			  - id: gateway-for-api
			    subject: spiffe://test.example.org/api
			    actor: spiffe://test.example.org/gateway
			    audience: https://orders.example.org
			    scopes: [orders:read]
			  - id: payments-introspects
			    subject: spiffe://test.example.org/payments
			    audience: https://localhost
			    scopes: [writ:introspect]
			""");

	static final TestTls SERVER = TestTls.generate();

	static {
		SERVER.writeTo(Path.of("target/mtls-integration"));
	}

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	static TestSpiffeCa ca() {
		return SITE.authority().x509();
	}

	String jwtSvid(String path) {
		return SITE.authority().svid(path).audience(ISSUER).claim("jti", UUID.randomUUID().toString()).sign();
	}

	HttpResponse<String> exchange(@Nullable SSLContext client, @Nullable String subjectToken, String audience)
			throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		if (subjectToken != null) {
			form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
			form.put("subject_token", subjectToken);
		}
		form.put("audience", audience);
		return post(client, "/oauth2/token", TestExchanges.body(form), null);
	}

	HttpResponse<String> post(@Nullable SSLContext client, String path, String body, @Nullable String bearer)
			throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.sslContext((client != null) ? client : TlsIntegrationTests.trusting(SERVER))
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static Map<String, Object> json(HttpResponse<String> response) throws Exception {
		return JSONObjectUtils.parse(response.body());
	}

	static JWTClaimsSet claims(HttpResponse<String> response) throws Exception {
		return SignedJWT.parse((String) json(response).get("access_token")).getJWTClaimsSet();
	}

	@Test
	void x509SvidWithoutSubjectTokenThenCertificateBoundTokenForItsSpiffeId() throws Exception {
		TestSpiffeCa.Svid svid = ca().svid("/api").issue();

		HttpResponse<String> answer = exchange(svid.clientContext(SERVER.certificate()), null,
				"https://payments.example.org");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		// RFC 8705 §3: a certificate-bound token is still a Bearer token on the wire.
		assertThat(json(answer)).containsEntry("token_type", "Bearer");
		JWTClaimsSet claims = claims(answer);
		assertThat(claims.getSubject()).isEqualTo("spiffe://test.example.org/api");
		assertThat(claims.getJSONObjectClaim("cnf"))
			.isEqualTo(Map.of("x5t#S256", X509SvidVerifier.thumbprint(svid.leaf())));

		// Introspection returns the binding (RFC 7662, RFC 8705 §3.2).
		String payments = (String) json(exchange(null, jwtSvid("/payments"), ISSUER)).get("access_token");
		Map<String, Object> introspected = json(
				post(null, "/oauth2/introspect", "token=" + json(answer).get("access_token"), payments));
		assertThat(introspected).containsEntry("active", true)
			.containsEntry("token_type", "Bearer")
			.containsEntry("cnf", Map.of("x5t#S256", X509SvidVerifier.thumbprint(svid.leaf())));
	}

	@Test
	void x509SvidThroughAnIntermediateThenServed() throws Exception {
		TestSpiffeCa.Svid svid = ca().svid("/api").viaIntermediate().issue();

		HttpResponse<String> answer = exchange(svid.clientContext(SERVER.certificate()), null,
				"https://payments.example.org");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(claims(answer).getSubject()).isEqualTo("spiffe://test.example.org/api");
	}

	static Stream<Arguments> badCertificates() {
		return Stream.of(
				arguments("expired",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								ca) -> ca.svid("/api").expiredAgo(Duration.ofMinutes(1)).issue(),
						"the client certificate has expired"),
				arguments("of another trust domain",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								ca) -> TestSpiffeCa.create("other.example.org").svid("/api").issue(),
						"the client certificate is not an X.509-SVID this server trusts"),
				arguments("CA-flagged",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (ca) -> ca.svid("/api")
							.ca()
							.keyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature)
							.issue(),
						"the client certificate is a CA certificate, not a workload's X.509-SVID"),
				arguments("with two URI SANs",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								ca) -> ca.svid("/api").alsoNamed("spiffe://test.example.org/admin").issue(),
						"an X.509-SVID names exactly one URI SAN"),
				arguments("signed by an impostor CA",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (ca) -> ca.svid("/api").issueByImpostor(),
						"the client certificate is not an X.509-SVID this server trusts"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badCertificates")
	void badX509SvidThenRefusedAsInvalidRequestAndNothingIssued(String name,
			Function<TestSpiffeCa, TestSpiffeCa.Svid> make, String description) throws Exception {
		HttpResponse<String> answer = exchange(make.apply(ca()).clientContext(SERVER.certificate()), null,
				"https://payments.example.org");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
		assertThat(json(answer)).containsEntry("error", "invalid_request")
			.containsEntry("error_description", description)
			.doesNotContainKey("access_token");
	}

	@Test
	void bindingMtlsGrantThenBearerRequestRefusedAndCertificateRequestServed() throws Exception {
		HttpResponse<String> bearer = exchange(null, jwtSvid("/api"), "https://ledger.example.org");

		assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(400);
		assertThat(json(bearer)).containsEntry("error", "invalid_request")
			.containsEntry("error_description",
					"this grant issues only certificate-bound tokens: exchange over mutual TLS")
			.doesNotContainKey("access_token");

		TestSpiffeCa.Svid svid = ca().svid("/api").issue();
		HttpResponse<String> bound = exchange(svid.clientContext(SERVER.certificate()), jwtSvid("/api"),
				"https://ledger.example.org");
		assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
		assertThat(claims(bound).getJSONObjectClaim("cnf"))
			.isEqualTo(Map.of("x5t#S256", X509SvidVerifier.thumbprint(svid.leaf())));
	}

	@Test
	void delegatedExchangeThenTheCertificateIsTheActorsNotTheSubjects() throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("subject_token", jwtSvid("/api"));
		form.put("actor_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("actor_token", jwtSvid("/gateway"));
		form.put("audience", "https://orders.example.org");
		String body = TestExchanges.body(form);

		HttpResponse<String> gateway = post(ca().svid("/gateway").issue().clientContext(SERVER.certificate()),
				"/oauth2/token", body, null);
		assertThat(gateway.statusCode()).as(gateway.body()).isEqualTo(200);
		assertThat(claims(gateway).getJSONObjectClaim("act")).containsEntry("sub", "spiffe://test.example.org/gateway");

		form.put("subject_token", jwtSvid("/api"));
		form.put("actor_token", jwtSvid("/gateway"));
		HttpResponse<String> subjects = post(ca().svid("/api").issue().clientContext(SERVER.certificate()),
				"/oauth2/token", TestExchanges.body(form), null);
		assertThat(subjects.statusCode()).as(subjects.body()).isEqualTo(400);
		assertThat(json(subjects)).containsEntry("error_description",
				"the actor_token's subject is not the client certificate's SPIFFE ID");
	}

	@Test
	void subjectTokenBesideAnX509SvidOfAnotherWorkloadThenRefused() throws Exception {
		TestSpiffeCa.Svid other = ca().svid("/admin").issue();

		HttpResponse<String> answer = exchange(other.clientContext(SERVER.certificate()), jwtSvid("/api"),
				"https://payments.example.org");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
		assertThat(json(answer)).containsEntry("error", "invalid_request")
			.containsEntry("error_description",
					"the subject_token's subject is not the client certificate's SPIFFE ID");
	}

	@Test
	void subjectTokenOverMutualTlsWithAPlainCertificateThenBoundToItWhereTheGrantAsks() throws Exception {
		// RFC 8705 §2.2: a self-signed certificate is a key to bind to, not an identity.
		TestTls plain = TestTls.generate();

		HttpResponse<String> bound = exchange(clientWith(plain), jwtSvid("/api"), "https://ledger.example.org");
		assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
		assertThat(claims(bound).getJSONObjectClaim("cnf"))
			.isEqualTo(Map.of("x5t#S256", X509SvidVerifier.thumbprint(plain.certificate())));

		// A certificate the client's TLS stack presents anyway binds nothing unasked.
		HttpResponse<String> bearer = exchange(clientWith(plain), jwtSvid("/api"), "https://payments.example.org");
		assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
		assertThat(claims(bearer).getClaim("cnf")).isNull();
	}

	@Test
	void clientWithoutCertificateThenServedOnTheSamePortAsBefore() throws Exception {
		HttpResponse<String> answer = exchange(null, jwtSvid("/api"), "https://payments.example.org");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(claims(answer).getClaim("cnf")).isNull();

		HttpResponse<String> noIdentity = exchange(null, null, "https://payments.example.org");
		assertThat(noIdentity.statusCode()).isEqualTo(400);
		assertThat(json(noIdentity)).containsEntry("error", "invalid_request")
			.containsEntry("error_description", "subject_token is missing");
	}

	@Test
	void metadataThenSaysTokensMayBeCertificateBound() throws Exception {
		HttpClient http = HttpClient.newBuilder().sslContext(TlsIntegrationTests.trusting(SERVER)).build();
		HttpResponse<String> metadata = http.send(HttpRequest
			.newBuilder(URI.create("https://localhost:" + this.port + "/.well-known/oauth-authorization-server"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(json(metadata)).containsEntry("tls_client_certificate_bound_access_tokens", true);
	}

	// A TLS client that presents this certificate and trusts Writ's.
	static SSLContext clientWith(TestTls certificate) {
		return TestSpiffeCa.clientContext(certificate.keyPair(),
				new java.security.cert.X509Certificate[] { certificate.certificate() }, SERVER.certificate());
	}

}

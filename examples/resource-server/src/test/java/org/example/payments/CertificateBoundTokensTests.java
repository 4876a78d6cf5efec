package org.example.payments;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.writ.testserver.TestCertificate;
import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificate-bound tokens (RFC 8705) at the payments service, with stock Spring Security: checkout exchanges at a
 * Writ that serves TLS, over mutual TLS with its client certificate, and gets a token bound to it
 * ({@code cnf.x5t#S256}); payments, serving TLS and asking for client certificates, serves the token only over a
 * connection that presents that very certificate — Spring's {@code X509CertificateThumbprintValidator}, which Writ's
 * starter keeps among its checks. Without a certificate, or with another, the token is refused; the grant
 * ({@code binding: mtls}) refuses a bearer exchange. Every certificate is made here, by keytool.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "writ.resource-server.audience=https://payments.example.org")
class CertificateBoundTokensTests {

	static final String CHECKOUT = "spiffe://demo.writ.local/ns/shop/sa/checkout";

	static final WritTestServer WRIT = WritTestServer.builder().tls().policies("site.yaml", """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			grants:
			  - id: checkout-pays-mtls
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:read]
			    binding: mtls
			""").start();

	static final Path DIR = WRIT.site().resolve("payments-tls");

	/** The payments service's own TLS certificate. */
	static final TestCertificate PAYMENTS = TestCertificate.selfSigned(DIR, "localhost", "dns:localhost",
			"ip:127.0.0.1");

	/** The checkout workload's client certificate. */
	static final TestCertificate CLIENT = TestCertificate.selfSigned(DIR, "checkout");

	static final TestCertificate OTHER = TestCertificate.selfSigned(DIR, "other");

	static final Path TRUSTED_CLIENTS = DIR.resolve("clients.p12");

	static {
		// Payments fetches Writ's keys over https: it trusts the Writ this test started, as a JVM given
		// -Djavax.net.ssl.trustStore with Writ's CA would.
		SSLContext trustingWrit = TestCertificate.context(WRIT.tlsCertificate(), null);
		SSLContext.setDefault(trustingWrit);
		HttpsURLConnection.setDefaultSSLSocketFactory(trustingWrit.getSocketFactory());
		try {
			java.security.KeyStore clients = java.security.KeyStore.getInstance("PKCS12");
			clients.load(null, null);
			clients.setCertificateEntry("checkout", CLIENT.certificate());
			clients.setCertificateEntry("other", OTHER.certificate());
			try (OutputStream out = Files.newOutputStream(TRUSTED_CLIENTS)) {
				clients.store(out, PAYMENTS.password().toCharArray());
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", WRIT::issuer);
		registry.add("payments.identity-token-file",
				() -> WRIT.identityFile("spiffe://demo.writ.local/ns/shop/sa/payments", Duration.ofMinutes(5))
					.toString());
		// Payments serves TLS and asks each client for a certificate; those its trust store holds pass the handshake.
		registry.add("server.ssl.bundle", () -> "payments");
		registry.add("server.ssl.client-auth", () -> "want");
		String bundle = "spring.ssl.bundle.jks.payments.";
		registry.add(bundle + "keystore.location", () -> "file:" + PAYMENTS.file().toAbsolutePath());
		registry.add(bundle + "keystore.password", PAYMENTS::password);
		registry.add(bundle + "keystore.type", () -> "PKCS12");
		registry.add(bundle + "truststore.location", () -> "file:" + TRUSTED_CLIENTS.toAbsolutePath());
		registry.add(bundle + "truststore.password", PAYMENTS::password);
		registry.add(bundle + "truststore.type", () -> "PKCS12");
	}

	@AfterAll
	static void stopWrit() {
		WRIT.close();
	}

	HttpResponse<String> exchange(TestCertificate client) throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("subject_token", WRIT.svid(CHECKOUT));
		form.put("audience", "https://payments.example.org");
		HttpClient http = HttpClient.newBuilder().sslContext(WRIT.sslContext(client)).build();
		return http.send(HttpRequest.newBuilder(WRIT.tokenEndpoint())
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(WritTestServer.form(form)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	int callPayments(String token, TestCertificate client) throws Exception {
		HttpClient http = HttpClient.newBuilder().sslContext(TestCertificate.context(PAYMENTS.certificate(), client))
			.build();
		return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/payments"))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	@Test
	void certificateBoundTokenThenServedOnlyOverAConnectionWithItsCertificate() throws Exception {
		HttpResponse<String> answer = exchange(CLIENT);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		String token = (String) JSONObjectUtils.parse(answer.body()).get("access_token");
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf"))
			.isEqualTo(Map.of("x5t#S256", CLIENT.thumbprint()));

		assertThat(callPayments(token, CLIENT)).as("over mutual TLS with its certificate").isEqualTo(200);
		assertThat(callPayments(token, null)).as("as a plain bearer token").isEqualTo(401);
		assertThat(callPayments(token, OTHER)).as("over another certificate's connection").isEqualTo(401);
	}

	@Test
	void bearerExchangeForAnMtlsGrantThenRefusedByWrit() throws Exception {
		HttpResponse<String> answer = exchange(null);

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
		assertThat(JSONObjectUtils.parse(answer.body())).containsEntry("error", "invalid_request")
			.doesNotContainKey("access_token");
	}

}

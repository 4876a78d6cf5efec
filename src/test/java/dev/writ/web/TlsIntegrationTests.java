package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestTls;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writ serves HTTPS from PEM files through a Spring Boot SSL bundle, and serves a renewed
 * certificate without a restart: the renewal a CA or cert-manager makes by replacing
 * {@code tls.crt} and {@code tls.key}. Reloading and checking the key against the
 * certificate are Writ's defaults ({@link dev.writ.config}'s TlsDefaults): the bundle
 * here names only its files.
 */
// The bundle is named in properties the environment holds from the start, as command-line
// arguments and files do:
// Writ's TLS defaults are applied while the environment is prepared, before
// @DynamicPropertySource values exist.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.ssl.bundle=writ",
				"spring.ssl.bundle.pem.writ.keystore.certificate=file:target/tls-integration/tls.crt",
				"spring.ssl.bundle.pem.writ.keystore.private-key=file:target/tls-integration/tls.key",
				"spring.ssl.bundle.watch.file.quiet-period=1s", "writ.issuer=https://localhost" })
class TlsIntegrationTests {

	static final WritTestSite SITE = WritTestSite.create("grants: []\n");

	static final Path TLS = Path.of("target/tls-integration");

	static final TestTls FIRST = TestTls.generate();

	static final TestTls RENEWED = TestTls.generate();

	static final TestTls OTHER = TestTls.generate();

	static {
		FIRST.writeTo(TLS);
	}

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	@LocalServerPort
	int port;

	@Test
	void httpsWhenCertificateRenewedThenServedWithoutRestartAndABotchedRenewalNeverServed() throws Exception {
		SSLContext trusting = trusting(FIRST, RENEWED);
		assertThat(servedCertificate(trusting)).isEqualTo(FIRST.certificate());
		assertThat(jwks(trusting).statusCode()).isEqualTo(200);

		// A renewal whose key does not match its certificate (verify-keys) is refused;
		// the last good pair serves.
		RENEWED.withKeyOf(OTHER).writeTo(TLS);
		await("the last good pair to go on serving").during(Duration.ofSeconds(4))
			.atMost(Duration.ofSeconds(10))
			.until(() -> servedCertificate(trusting), FIRST.certificate()::equals);
		assertThat(jwks(trusting).statusCode()).isEqualTo(200);

		RENEWED.writeTo(TLS);

		await("the renewed certificate to be served").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> servedCertificate(trusting), RENEWED.certificate()::equals);
		HttpResponse<String> afterRenewal = jwks(trusting(RENEWED));
		assertThat(afterRenewal.statusCode()).isEqualTo(200);
		assertThat(afterRenewal.body()).contains("\"keys\"");
	}

	@Test
	void httpWhenTlsServedThenPlainHttpIsNotAnswered() {
		HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

		assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> {
			HttpResponse<String> response = plain
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/jwks"))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.body()).doesNotContain("\"keys\"");
		})).satisfiesAnyOf((thrown) -> assertThat(thrown).isNull(),
				(thrown) -> assertThat(thrown).isInstanceOf(java.io.IOException.class));
	}

	HttpResponse<String> jwks(SSLContext context) throws Exception {
		HttpClient https = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
		return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/oauth2/jwks")).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	Certificate servedCertificate(SSLContext context) throws Exception {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", this.port)) {
			socket.setSoTimeout(5000);
			socket.startHandshake();
			return socket.getSession().getPeerCertificates()[0];
		}
	}

	static SSLContext trusting(TestTls... certificates) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		for (int i = 0; i < certificates.length; i++) {
			store.setCertificateEntry("tls-" + i, certificates[i].certificate());
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

}

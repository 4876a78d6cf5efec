package dev.writ.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestTls;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Google's auth library for Java ({@code google-auth-library-oauth2-http}), unmodified,
 * obtains a Writ token over TLS from a credential configuration that
 * {@code credentials create-config} wrote: the file names Writ's token endpoint, the
 * audience, and a file holding the workload's JWT-SVID, as spiffe-helper would keep it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.ssl.bundle=writ",
				"spring.ssl.bundle.pem.writ.keystore.certificate=file:target/google-auth/tls.crt",
				"spring.ssl.bundle.pem.writ.keystore.private-key=file:target/google-auth/tls.key",
				"writ.issuer=https://localhost" })
class GoogleAuthLibraryIntegrationTests {

	static final String PAYMENTS = "https://payments.example.org";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: %s
			    scopes: [payments:charge]
			""".formatted(PAYMENTS));

	static final Path DIR = Path.of("target/google-auth");

	static final TestTls TLS = TestTls.generate();

	static {
		TLS.writeTo(DIR);
	}

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	@LocalServerPort
	int port;

	@Test
	void googlesLibraryExchangesTheSvidItReadsFromTheFileTheConfigurationNames() throws Exception {
		Path svid = Files.writeString(DIR.resolve("svid.token"),
				SITE.authority().svid("/ns/prod/sa/checkout").audience("https://localhost").sign());
		Path config = DIR.resolve("writ-credentials.json");
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = new WritCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC(), Map.of())
			.run("credentials", "create-config", "--audience", PAYMENTS, "--token-url",
					"https://localhost:" + this.port + "/oauth2/token", "--credential-source-file", svid.toString(),
					"--output-file", config.toString());
		assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();

		GoogleCredentials credentials;
		try (InputStream in = Files.newInputStream(config)) {
			credentials = GoogleCredentials.fromStream(in, this::trustingWrit).createScoped(List.of("payments:charge"));
		}
		credentials.refresh();
		AccessToken token = credentials.getAccessToken();

		JWTClaimsSet claims = SignedJWT.parse(token.getTokenValue()).getJWTClaimsSet();
		assertThat(claims.getIssuer()).isEqualTo("https://localhost");
		assertThat(claims.getAudience()).containsExactly(PAYMENTS);
		assertThat(claims.getSubject()).isEqualTo("spiffe://test.example.org/ns/prod/sa/checkout");
		assertThat(claims.getStringClaim("scope")).isEqualTo("payments:charge");
		assertThat(token.getExpirationTime()).isNotNull();
		// What a client built on the library sends on each call: the same Writ token,
		// until less than the library's refresh margin (3 min 45 s) of it is left.
		for (int call = 0; call < 3; call++) {
			assertThat(credentials.getRequestMetadata(URI.create(PAYMENTS + "/charges"))).containsEntry("Authorization",
					List.of("Bearer " + token.getTokenValue()));
		}
	}

	// The library's HTTP transport, trusting the certificate Writ serves (made at test
	// time).
	private NetHttpTransport trustingWrit() {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setCertificateEntry("writ", TLS.certificate());
			return new NetHttpTransport.Builder().trustCertificates(store).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.writ.spring.resourceserver;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A certificate-bound Writ token ({@code cnf.x5t#S256}, RFC 8705 §3) passes the starter's
 * checks only on a request whose connection presented that very client certificate: sent
 * without one, or over another certificate's connection, it is refused like a forged one.
 */
class CertificateBoundTokensTests {

	static final String ISSUER = "https://writ.example.org";

	static final String AUDIENCE = "https://payments.example.org";

	final OAuth2TokenValidator<Jwt> validator = WritResourceServerAutoConfiguration.validator(ISSUER, AUDIENCE,
			new WritResourceServerProperties.ResourceServer(AUDIENCE, null, null, null, false));

	@TempDir
	Path dir;

	@AfterEach
	void noRequest() {
		RequestContextHolder.resetRequestAttributes();
	}

	@Test
	void certificateBoundTokenThenValidOnlyOverAConnectionWithThatCertificate() throws Exception {
		X509Certificate bound = selfSigned("bound");
		X509Certificate other = selfSigned("other");
		Jwt token = token(Map.of("x5t#S256", thumbprint(bound)));

		assertThat(this.validator.validate(token).hasErrors()).as("no request, no certificate").isTrue();
		onRequestWith();
		assertThat(this.validator.validate(token).hasErrors()).as("a connection without a certificate").isTrue();
		onRequestWith(other);
		assertThat(this.validator.validate(token).hasErrors()).as("another certificate's connection").isTrue();
		onRequestWith(bound);
		assertThat(this.validator.validate(token).hasErrors()).as("its own certificate's connection").isFalse();
	}

	@Test
	void bearerTokenThenValidWithOrWithoutACertificate() throws Exception {
		Jwt token = token(null);

		onRequestWith();
		assertThat(this.validator.validate(token).hasErrors()).isFalse();
		onRequestWith(selfSigned("any"));
		assertThat(this.validator.validate(token).hasErrors()).isFalse();
	}

	static Jwt token(Map<String, Object> cnf) {
		Instant now = Instant.now();
		Jwt.Builder token = Jwt.withTokenValue("token")
			.header("alg", "ES256")
			.header("typ", "at+jwt")
			.issuer(ISSUER)
			.audience(List.of(AUDIENCE))
			.subject("spiffe://demo.writ.local/ns/shop/sa/checkout")
			.claim("jti", "j-1")
			.issuedAt(now)
			.expiresAt(now.plusSeconds(300));
		if (cnf != null) {
			token.claim("cnf", cnf);
		}
		return token.build();
	}

	static void onRequestWith(X509Certificate... chain) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		if (chain.length > 0) {
			request.setAttribute("jakarta.servlet.request.X509Certificate", chain);
		}
		RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
	}

	static String thumbprint(X509Certificate certificate) throws Exception {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
	}

	// A client certificate made now with the JDK's keytool; never a committed one.
	X509Certificate selfSigned(String name) throws Exception {
		Path store = this.dir.resolve(name + ".p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
				"-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only")
			.redirectErrorStream(true)
			.start();
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
		KeyStore keys = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(store)) {
			keys.load(in, "test-only".toCharArray());
		}
		return (X509Certificate) keys.getCertificate(name);
	}

}

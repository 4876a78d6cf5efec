package dev.writ.trust;

import java.time.Clock;
import java.time.Duration;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.Test;

import dev.writ.testing.TestAuthority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SpiffeBundleTests {

	private static final TrustDomain DOMAIN = TrustDomain.parse("prod.example.org");

	private final TestAuthority authority = TestAuthority.ec("prod.example.org", Clock.systemUTC());

	@Test
	void parseWhenSpireShapedBundleThenJwtAuthoritiesAndMetadataRead() {
		SpiffeBundle bundle = SpiffeBundle.parse(DOMAIN, this.authority.bundleJson());

		assertThat(bundle.keyIds()).containsExactly(this.authority.kid());
		assertThat(bundle.x509Authorities()).containsExactly(this.authority.x509().certificate());
		assertThat(bundle.authorities().x509Authorities()).containsExactly(this.authority.x509().certificate());
		assertThat(bundle.sequence()).hasValue(7);
		assertThat(bundle.refreshHint()).contains(Duration.ofSeconds(300));
	}

	@Test
	void parseWhenX509AuthorityHasNoCertificateOrIsNoCaThenEveryProblemListedWithTheJwtOnes() {
		String key = this.authority.privateKey().toPublicJWK().toJSONString();
		String noKid = key.replaceFirst("\"kid\":\"[^\"]+\",?", "");
		String noCertificate = "{\"kty\":\"EC\",\"use\":\"x509-svid\",\"crv\":\"P-256\",\"x\":"
				+ "\"clzo-cEB5QXG8LrkjseYotFsCmqbRQGLWGdMkUw3-gI\",\"y\":\"wfi-Izv1NCxtNs6HpC1NkRTZ-hNGKww3IR4HMKtPhvU\"}";
		java.security.cert.X509Certificate leaf = this.authority.x509().svid("/a").issue().leaf();
		String notCa = x509Entry(leaf);
		String json = "{\"keys\":[" + noKid + "," + noCertificate + "," + notCa + "]}";

		assertThatExceptionOfType(TrustConfigurationException.class).isThrownBy(() -> SpiffeBundle.parse(DOMAIN, json))
			.satisfies((ex) -> assertThat(ex.problems()).containsExactly("a key has no kid",
					"an x509-svid authority must hold exactly one certificate in x5c",
					"an x509-svid authority is not a CA certificate that may sign certificates"));
	}

	static String x509Entry(java.security.cert.X509Certificate certificate) {
		try {
			java.util.Map<String, Object> json = new java.util.LinkedHashMap<>(
					com.nimbusds.jose.jwk.JWK.parse(certificate).toJSONObject());
			json.put("use", "x509-svid");
			json.remove("kid");
			return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(json);
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void parseWhenBundleHoldsPrivateKeyThenRefused() {
		String json = "{\"keys\":[" + this.authority.privateKey().toJSONString() + "]}";

		assertThatExceptionOfType(TrustConfigurationException.class).isThrownBy(() -> SpiffeBundle.parse(DOMAIN, json))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement().asString().contains("private"))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\"d\""));
	}

	@Test
	void parseWhenJwtKeyLacksKidOrRepeatsOneThenEveryProblemListed() {
		String key = this.authority.privateKey().toPublicJWK().toJSONString();
		String noKid = key.replaceFirst("\"kid\":\"[^\"]+\",?", "");
		String json = "{\"keys\":[" + key + "," + key + "," + noKid + "]}";

		assertThatExceptionOfType(TrustConfigurationException.class).isThrownBy(() -> SpiffeBundle.parse(DOMAIN, json))
			.satisfies((ex) -> assertThat(ex.problems()).hasSize(2)
				.anySatisfy((p) -> assertThat(p).contains("share the kid"))
				.anySatisfy((p) -> assertThat(p).contains("no kid")));
	}

	@Test
	void parseWhenNotJsonThenRefused() {
		assertThatExceptionOfType(TrustConfigurationException.class)
			.isThrownBy(() -> SpiffeBundle.parse(DOMAIN, "{\"keys\": ["));
	}

	@Test
	void parseWhenNoJwtAuthoritiesThenEmptyBundle() {
		SpiffeBundle bundle = SpiffeBundle.parse(DOMAIN, "{\"keys\":[]}");

		assertThat(bundle.keyIds()).isEmpty();
		assertThat(bundle.sequence()).isEmpty();
	}

}

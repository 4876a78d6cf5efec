package dev.writ.trust;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWKSet;
import io.spiffe.spiffeid.TrustDomain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link SpiffeBundle#parse}, the decoder of bundles read from files and bundle
 * endpoints. The oracle: nothing but a {@link TrustConfigurationException} naming its
 * problems escapes, an accepted bundle holds only public JWT authorities with a
 * {@code kid}, and the bundle serialised again parses to the same authorities, sequence
 * and refresh hint.
 */
final class SpiffeBundleFuzzTests {

	private static final TrustDomain DOMAIN = TrustDomain.parse("fuzz.example.org");

	@DictionaryFile(resourcePath = "jwks.dict")
	@FuzzTest
	void parse(byte[] input) {
		SpiffeBundle bundle;
		try {
			bundle = SpiffeBundle.parse(DOMAIN, new String(input, StandardCharsets.UTF_8));
		}
		catch (TrustConfigurationException ex) {
			assertThat(ex.problems()).isNotEmpty().allSatisfy((problem) -> assertThat(problem).isNotBlank());
			return;
		}
		KeySet authorities = bundle.authorities();
		assertThat(authorities.keyIds()).allSatisfy((kid) -> {
			assertThat(kid).isNotBlank();
			assertThat(authorities.get(kid).key().isPrivate()).isFalse();
			assertThat(authorities.get(kid).key().getKeyUse()).isEqualTo(SpiffeBundle.JWT_SVID);
		});
		SpiffeBundle again = SpiffeBundle.parse(DOMAIN, serialised(bundle));
		assertThat(again.authorities()).isEqualTo(authorities);
		assertThat(again.sequence()).isEqualTo(bundle.sequence());
		assertThat(again.refreshHint()).isEqualTo(bundle.refreshHint());
	}

	// The bundle as a SPIFFE bundle endpoint would serve it (SPIFFE Trust Domain and
	// Bundle §4).
	private static String serialised(SpiffeBundle bundle) {
		Map<String, Object> members = new LinkedHashMap<>();
		bundle.sequence().ifPresent((sequence) -> members.put("spiffe_sequence", sequence));
		bundle.refreshHint().map(Duration::toSeconds).ifPresent((hint) -> members.put("spiffe_refresh_hint", hint));
		KeySet keys = bundle.authorities();
		java.util.List<com.nimbusds.jose.jwk.JWK> entries = new java.util.ArrayList<>(
				keys.keyIds().stream().map((kid) -> keys.get(kid).key()).toList());
		keys.x509Authorities().forEach((authority) -> entries.add(x509Entry(authority)));
		return new JWKSet(entries, members).toString();
	}

	private static com.nimbusds.jose.jwk.JWK x509Entry(java.security.cert.X509Certificate authority) {
		try {
			Map<String, Object> json = new LinkedHashMap<>(com.nimbusds.jose.jwk.JWK.parse(authority).toJSONObject());
			json.put("use", "x509-svid");
			json.remove("kid");
			return com.nimbusds.jose.jwk.JWK.parse(json);
		}
		catch (com.nimbusds.jose.JOSEException | java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.writ.trust;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link RemoteLoaders#signingKeys}, the decoder of the JWKS documents OIDC
 * issuers publish. The oracle: nothing but a {@link TrustConfigurationException} naming
 * its problems escapes, accepted keys are public signing keys with a {@code kid}, and the
 * keys serialised again as a JWKS read back as the same keys.
 */
final class RemoteLoadersFuzzTests {

	private static final String WHERE = "the JWKS of fuzz";

	@DictionaryFile(resourcePath = "jwks.dict")
	@FuzzTest
	void signingKeys(byte[] input) {
		KeySet keys;
		try {
			keys = RemoteLoaders.signingKeys(new String(input, StandardCharsets.UTF_8), WHERE);
		}
		catch (TrustConfigurationException ex) {
			assertThat(ex.problems()).isNotEmpty().allSatisfy((problem) -> assertThat(problem).isNotBlank());
			return;
		}
		assertThat(keys.keyIds()).isNotEmpty().allSatisfy((kid) -> {
			assertThat(kid).isNotBlank();
			assertThat(keys.get(kid).key().isPrivate()).isFalse();
			assertThat(keys.get(kid).key().getKeyUse()).isIn(null, KeyUse.SIGNATURE);
		});
		String serialised = new JWKSet(keys.keyIds().stream().map((kid) -> keys.get(kid).key()).toList()).toString();
		assertThat(RemoteLoaders.signingKeys(serialised, WHERE)).isEqualTo(keys);
	}

}

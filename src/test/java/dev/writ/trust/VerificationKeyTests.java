package dev.writ.trust;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The keys that may verify signatures: public, and RSA of at least 2048 bits however
 * encoded.
 */
class VerificationKeyTests {

	@Test
	void shortRsaModulusPaddedWithZeroBytesThenStillRefused() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(1024);
		RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
		byte[] n = key.getModulus().toByteArray();
		byte[] padded = new byte[256 + 1];
		System.arraycopy(n, 0, padded, padded.length - n.length, n.length);
		Arrays.fill(padded, 0, padded.length - n.length, (byte) 0);
		RSAKey encoded = new RSAKey.Builder(Base64URL.encode(padded), Base64URL.encode(key.getPublicExponent()))
			.build();
		assertThat(encoded.size()).as("Nimbus counts the encoded bytes").isGreaterThanOrEqualTo(2048);

		assertThatIllegalArgumentException().isThrownBy(() -> VerificationKey.of(encoded))
			.withMessageContaining("2048");
	}

}

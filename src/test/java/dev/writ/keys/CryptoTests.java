package dev.writ.keys;

import java.nio.charset.StandardCharsets;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The crypto choice: correct whichever provider is active; the tests pass on either. */
class CryptoTests {

	@Test
	void jdkWhenForcedThenNothingNative() {
		Crypto jdk = Crypto.jdk();

		assertThat(jdk.name()).isEqualTo("jdk");
		assertThat(jdk.admits(JWSAlgorithm.ES256)).isFalse();
		assertThat(jdk.describe()).contains("JDK");
	}

	@ParameterizedTest
	@ValueSource(strings = { "ES256", "ES384", "ES512", "RS256", "PS256" })
	void admitsWhenNativeProviderActiveThenOnlyAfterItsRoundTripWithTheJdk(String name) {
		Crypto crypto = Crypto.get();
		JWSAlgorithm alg = JWSAlgorithm.parse(name);

		boolean admitted = crypto.admits(alg);

		// Admitted means: native signatures verified by the JDK, JDK signatures verified
		// natively, a tampered one
		// refused. Not admitted is always correct (the JDK does it).
		if (crypto.provider().isEmpty()) {
			assertThat(admitted).isFalse();
		}
		assertThat(crypto.admits(alg)).isEqualTo(admitted);
	}

	@Test
	void admitsWhenNativeProviderLoadedThenTheDefaultAlgorithm() {
		// Where the native provider loads (Corretto's, on the platforms it ships for), it
		// passes its ES256 round trip: a failure here is a broken check, not a slow
		// provider.
		Crypto crypto = Crypto.get();

		crypto.provider().ifPresent((provider) -> assertThat(crypto.admits(JWSAlgorithm.ES256)).isTrue());
	}

	@Test
	void describeThenNamesTheActiveProvider() {
		assertThat(Crypto.get().describe()).startsWith("Crypto: ");
		assertThat(Crypto.get().name()).isNotBlank();
		System.out.println(Crypto.get().describe());
	}

	@Test
	void signerAndVerifierWhenBuiltFromTheKeyPairThenTheyAgree() throws JOSEException {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		byte[] content = "header.payload".getBytes(StandardCharsets.US_ASCII);

		Base64URL signature = Crypto.get()
			.signer(key, JWSAlgorithm.ES256)
			.sign(new JWSHeader(JWSAlgorithm.ES256), content);

		assertThat(Crypto.get()
			.verifier(key.toPublicJWK(), JWSAlgorithm.ES256)
			.verify(new JWSHeader(JWSAlgorithm.ES256), content, signature)).isTrue();
	}

	@Test
	void verifierWhenGivenAPrivateKeyThenRefused() throws JOSEException {
		// Trust material is public keys only: a verifier never holds a private key.
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();

		assertThatIllegalArgumentException().isThrownBy(() -> Crypto.jdkVerifier(key))
			.withMessageContaining("public key");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Crypto.get().signer(key.toPublicJWK(), JWSAlgorithm.ES256))
			.withMessageContaining("private key");
	}

	@Test
	void describeWhenAProviderHandlesNothingThenEveryAlgorithmKeptOnTheJdkWithWhy() throws Exception {
		java.security.Provider empty = new java.security.Provider("Empty", "1", "no services") {
			private static final long serialVersionUID = 1L;

		};
		Crypto crypto = Crypto.on(empty, "an empty provider");

		assertThat(crypto.admits(JWSAlgorithm.ES256)).isFalse();
		// Said when the start-up log is written, not logged from the self-test's thread.
		assertThat(crypto.describe())
			.startsWith("Crypto: an empty provider for []; the JDK for the rest; kept on the JDK: ")
			.contains("ES256 (not handled: ")
			.contains("RS256 (not handled: ");
		// And the keys still sign and verify, on the JDK.
		com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
				com.nimbusds.jose.jwk.Curve.P_256)
			.generate();
		com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(
				new com.nimbusds.jose.JWSHeader(JWSAlgorithm.ES256), new com.nimbusds.jose.Payload("x"));
		jws.sign(crypto.signer(key, JWSAlgorithm.ES256));
		assertThat(jws.verify(crypto.verifier(key.toPublicJWK(), JWSAlgorithm.ES256))).isTrue();
	}

}

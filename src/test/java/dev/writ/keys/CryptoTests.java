package dev.writ.keys;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

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
	void describeThenNamesTheActiveProvider() {
		assertThat(Crypto.get().describe()).startsWith("Crypto: ");
		assertThat(Crypto.get().name()).isNotBlank();
		System.out.println(Crypto.get().describe());
	}

}

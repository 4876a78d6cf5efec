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
		assertThat(bundle.sequence()).hasValue(7);
		assertThat(bundle.refreshHint()).contains(Duration.ofSeconds(300));
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

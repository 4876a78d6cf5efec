package dev.writ.trust;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SpiffeIdsTests {

	@Test
	void parseIdWhenCanonicalThenParsed() {
		assertThat(SpiffeIds.parseId("spiffe://prod.example.org/ns/prod/sa/checkout").getPath())
			.isEqualTo("/ns/prod/sa/checkout");
		assertThat(SpiffeIds.parseId("spiffe://prod.example.org").getPath()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "spiffe://PROD.example.org/a", "SPIFFE://prod.example.org/a",
			"spiffe://prod.example.org/a/", "spiffe://prod.example.org//a", "spiffe://prod.example.org/./a",
			"spiffe://prod.example.org/a?q", "spiffe://prod.example.org:8443/a", "spiffe://u@prod.example.org/a",
			"https://prod.example.org/a", "", "spiffe://", "spiffe://prod.example.org/a b" })
	void parseIdWhenNotCanonicalSpiffeIdThenIllegalArgument(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> SpiffeIds.parseId(value));
	}

	@Test
	void parseIdWhenLongerThan2048BytesThenIllegalArgument() {
		String id = "spiffe://prod.example.org/" + "a".repeat(2048);

		assertThatIllegalArgumentException().isThrownBy(() -> SpiffeIds.parseId(id)).withMessageContaining("2048");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "Prod.example.org", "spiffe://prod.example.org", "prod.example.org/a", "", "prod example" })
	void parseTrustDomainWhenNotACanonicalNameThenIllegalArgument(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> SpiffeIds.parseTrustDomain(name));
	}

	@Test
	void parseTrustDomainWhenNameThenParsed() {
		assertThat(SpiffeIds.parseTrustDomain("prod.example.org").toIdString()).isEqualTo("spiffe://prod.example.org");
	}

}

package dev.writ.policy;

import java.util.Optional;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.writ.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What a token is bound to, for every binding of a grant and its trust entry and every
 * proof a request can bring: the DPoP key first where both allow it, else the client
 * certificate, else bearer only where neither asks for binding.
 */
class BindingTests {

	static final Optional<String> JKT = Optional.of("jkt-thumbprint");

	static final Optional<String> X5T = Optional.of("x5t-thumbprint");

	static final Optional<String> NONE = Optional.empty();

	static Stream<Arguments> choices() {
		return Stream.of(
				// grant, source, DPoP, certificate -> bound to (null: bearer), refusal
				arguments(Binding.OPTIONAL, Binding.OPTIONAL, NONE, NONE, null, null),
				arguments(Binding.OPTIONAL, Binding.OPTIONAL, JKT, NONE, "jkt:jkt-thumbprint", null),
				// A certificate beside a subject token binds only where a binding asks.
				arguments(Binding.OPTIONAL, Binding.OPTIONAL, NONE, X5T, null, null),
				arguments(Binding.OPTIONAL, Binding.OPTIONAL, JKT, X5T, "jkt:jkt-thumbprint", null),
				arguments(Binding.DPOP, Binding.OPTIONAL, NONE, X5T, null, ErrorCode.INVALID_DPOP_PROOF),
				arguments(Binding.DPOP, Binding.OPTIONAL, JKT, X5T, "jkt:jkt-thumbprint", null),
				arguments(Binding.MTLS, Binding.OPTIONAL, JKT, NONE, null, ErrorCode.INVALID_REQUEST),
				arguments(Binding.MTLS, Binding.OPTIONAL, JKT, X5T, "x5t#S256:x5t-thumbprint", null),
				arguments(Binding.REQUIRED, Binding.OPTIONAL, NONE, NONE, null, ErrorCode.INVALID_DPOP_PROOF),
				arguments(Binding.REQUIRED, Binding.OPTIONAL, NONE, X5T, "x5t#S256:x5t-thumbprint", null),
				arguments(Binding.OPTIONAL, Binding.MTLS, JKT, NONE, null, ErrorCode.INVALID_REQUEST),
				arguments(Binding.OPTIONAL, Binding.DPOP, JKT, X5T, "jkt:jkt-thumbprint", null),
				arguments(Binding.REQUIRED, Binding.MTLS, JKT, X5T, "x5t#S256:x5t-thumbprint", null),
				arguments(Binding.DPOP, Binding.MTLS, JKT, X5T, null, ErrorCode.INVALID_REQUEST));
	}

	@org.junit.jupiter.api.Test
	void chooseWhenTheCertificateIsTheIdentityThenBoundToItUnlessADpopProofIsTaken() {
		assertThat(Binding.choose(Binding.OPTIONAL, Binding.OPTIONAL, NONE, X5T, true).confirmation())
			.hasToString("x5t#S256:x5t-thumbprint");
		assertThat(Binding.choose(Binding.OPTIONAL, Binding.OPTIONAL, JKT, X5T, true).confirmation())
			.hasToString("jkt:jkt-thumbprint");
		assertThat(Binding.choose(Binding.DPOP, Binding.OPTIONAL, NONE, X5T, true).error())
			.isEqualTo(ErrorCode.INVALID_DPOP_PROOF);
	}

	@ParameterizedTest(name = "grant {0}, entry {1}, proof {2}, certificate {3}")
	@MethodSource("choices")
	void chooseThenBoundAsBothBindingsAllowOrRefused(Binding grant, Binding source, Optional<String> jkt,
			Optional<String> x5t, @Nullable String boundTo, @Nullable ErrorCode refusal) {
		Binding.Choice choice = Binding.choose(grant, source, jkt, x5t, false);

		assertThat(Optional.ofNullable(choice.confirmation()).map(Confirmation::toString))
			.isEqualTo(Optional.ofNullable(boundTo));
		if (refusal == null) {
			assertThat(choice.missing()).isNull();
		}
		else {
			assertThat(choice.missing()).isNotNull();
			assertThat(choice.error()).isEqualTo(refusal);
			assertThat(choice.description()).startsWith("this grant");
		}
	}

}

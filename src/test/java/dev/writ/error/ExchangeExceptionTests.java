package dev.writ.error;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExchangeExceptionTests {

	@Test
	void constructorWhenDescriptionAndDetailThenBothKeptApart() {
		ExchangeException ex = new ExchangeException(ErrorCode.INVALID_REQUEST, "subject_token has expired",
				"expired at 2026-01-01T00:00:00Z");

		assertThat(ex.description()).isEqualTo("subject_token has expired");
		assertThat(ex.detail()).isEqualTo("expired at 2026-01-01T00:00:00Z");
		assertThat(ex.getStackTrace()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "a \"quoted\" word", "back\\slash", "new\nline", "caf\u00e9" })
	void constructorWhenDescriptionOutsideRfc6749CharactersThenRefused(String description) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExchangeException(ErrorCode.INVALID_REQUEST, description));
	}

	@ParameterizedTest
	@EnumSource(ErrorCode.class)
	void fromCodeWhenKnownCodeThenSameCode(ErrorCode code) {
		assertThat(ErrorCode.fromCode(code.code())).isSameAs(code);
	}

	@Test
	void httpStatusThenAsTheRfcsSay() {
		assertThat(ErrorCode.INVALID_CLIENT.httpStatus()).isEqualTo(401);
		assertThat(ErrorCode.INVALID_TARGET.httpStatus()).isEqualTo(400);
		assertThat(ErrorCode.TEMPORARILY_UNAVAILABLE.httpStatus()).isEqualTo(503);
		// RFC 9449 §5: a bad or missing DPoP proof at the token endpoint.
		assertThat(ErrorCode.fromCode("invalid_dpop_proof")).isSameAs(ErrorCode.INVALID_DPOP_PROOF);
		assertThat(ErrorCode.INVALID_DPOP_PROOF.httpStatus()).isEqualTo(400);
		// RFC 9449 §8: the proof lacks the server's nonce.
		assertThat(ErrorCode.fromCode("use_dpop_nonce")).isSameAs(ErrorCode.USE_DPOP_NONCE);
		assertThat(ErrorCode.USE_DPOP_NONCE.httpStatus()).isEqualTo(400);
		assertThat(ErrorCode.fromCode("made_up_error")).isSameAs(ErrorCode.INVALID_REQUEST);
	}

}

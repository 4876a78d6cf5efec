package dev.writ.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTests {

	@Test
	void safeWhenLineBreaksAndControlsThenEscaped() {
		assertThat(LogText.safe("a\r\nb\u0000c\u2028d\u2029e\u0085f\tg"))
			.isEqualTo("a\\u000d\\u000ab\\u0000c\\u2028d\\u2029e\\u0085f\\u0009g");
	}

	@Test
	void safeWhenPlainThenUnchangedAndNullNamed() {
		assertThat(LogText.safe("spiffe://prod.example.org/ns/prod/sa/checkout"))
			.isEqualTo("spiffe://prod.example.org/ns/prod/sa/checkout");
		assertThat(LogText.safe(null)).isEqualTo("null");
	}

	@Test
	void safeWhenLongThenCut() {
		assertThat(LogText.safe("x".repeat(1000))).hasSize(LogText.MAX_LENGTH + 3).endsWith("...");
	}

	@Test
	void withSafeMessageThenSameFramesAndNoLineBreak() {
		IllegalStateException ex = new IllegalStateException("bad\nFORGED");

		Throwable safe = LogText.withSafeMessage(ex);

		assertThat(safe.getMessage()).isEqualTo("java.lang.IllegalStateException: bad\\u000aFORGED");
		assertThat(safe.getStackTrace()).isEqualTo(ex.getStackTrace());
	}

}

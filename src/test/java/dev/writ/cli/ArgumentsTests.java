package dev.writ.cli;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A command's words read against what the command takes. */
class ArgumentsTests {

	private static final Arguments.Syntax SYNTAX = Arguments.Syntax.of(2)
		.withOptions("--keys", "--audience")
		.withFlags("--explain");

	private static Arguments read(String... words) {
		return Arguments.read(List.of(words), SYNTAX);
	}

	@Test
	void readWhenOptionsAndFlagsAnywhereThenPositionalsInOrder() {
		Arguments arguments = read("--explain", "policies", "--keys", "k", "extra");

		assertThat(arguments.positional(0)).contains("policies");
		assertThat(arguments.required(1, "a second word")).isEqualTo("extra");
		assertThat(arguments.option("--keys")).contains("k");
		assertThat(arguments.flag("--explain")).isTrue();
		assertThat(arguments.option("--audience")).isEmpty();
		assertThat(arguments.options("--audience")).isEmpty();
	}

	@Test
	void readWhenUnknownOptionThenUsageErrorNamingIt() {
		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> read("policies", "--kyes", "k"))
			.withMessage("unknown option: --kyes");
		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> read("-x")).withMessage("unknown option: -x");
	}

	@Test
	void readWhenOptionWithoutValueThenUsageError() {
		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> read("policies", "--keys"))
			.withMessage("--keys needs a value");
	}

	@Test
	void readWhenAValueLooksLikeAnOptionThenItIsTheValue() {
		assertThat(read("--audience", "--explain").options("--audience")).containsExactly("--explain");
		assertThat(read("--audience", "--explain").flag("--explain")).isFalse();
	}

	@Test
	void readWhenMorePositionalsThanTheCommandTakesThenUsageErrorNamingTheFirst() {
		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> read("a", "b", "c", "d"))
			.withMessage("unexpected argument: c");
	}

	@Test
	void optionsWhenRepeatedThenEveryValueInOrder() {
		assertThat(read("--audience", "a", "p", "--audience", "b").options("--audience")).containsExactly("a", "b");
	}

	@Test
	void optionWhenRepeatedThenUsageError() {
		Arguments arguments = read("--keys", "a", "--keys", "b");

		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> arguments.option("--keys"))
			.withMessage("--keys may be given once");
	}

	@Test
	void requiredWhenMissingThenUsageErrorSayingWhat() {
		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> read("--explain").required(0, "a SPIFFE ID"))
			.withMessage("missing a SPIFFE ID");
	}

	@Test
	void asksForHelpWhenHelpAnywhereThenTrue() {
		assertThat(Arguments.asksForHelp(List.of("--help"))).isTrue();
		assertThat(Arguments.asksForHelp(List.of("policy", "check", "policies", "-h"))).isTrue();
		assertThat(Arguments.asksForHelp(List.of("dev", "--help", "svid"))).isTrue();
		assertThat(Arguments.asksForHelp(List.of("policy", "check", "--helpful"))).isFalse();
		assertThat(Arguments.asksForHelp(List.of())).isFalse();
	}

	@Test
	void optionWhenTheCommandTakesNoSuchOptionThenProgrammerError() {
		Arguments arguments = read();

		assertThat(arguments.takes("--keys")).isTrue();
		assertThat(arguments.takes("--ttl")).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> arguments.option("--ttl"));
		assertThatIllegalArgumentException().isThrownBy(() -> arguments.flag("--keys"));
	}

}

package dev.writ.policy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClaimExpressionTests {

	private static final Map<String, Object> ACTIVATION = Map.of("subject", "spiffe://acme.org/checkout", "source",
			"acme", "claims", CelExpression.celValue(Map.of("run_attempt", 2)), "attributes", Map.of("tenant", "acme"),
			"request", Map.of("scopes", List.of("charge")), "now", 1_900_000_000L);

	@Test
	void valueWhenStringNumberBooleanOrListThenThatValue() {
		assertThat(ClaimExpression.compile("attributes.tenant").value(ACTIVATION)).contains("acme");
		assertThat(ClaimExpression.compile("claims.run_attempt + 1").value(ACTIVATION)).contains(3L);
		assertThat(ClaimExpression.compile("1.5 * 2.0").value(ACTIVATION)).contains(3.0);
		assertThat(ClaimExpression.compile("'charge' in request.scopes").value(ACTIVATION)).contains(true);
		assertThat(ClaimExpression.compile("[subject, 'x']").value(ACTIVATION))
			.contains(List.of("spiffe://acme.org/checkout", "x"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.0 / 0.0", "{'a': 'b'}", "[1.5]", "claims.missing", "[[subject]]" })
	void valueWhenNoJsonClaimValueOrEvaluationFailsThenEmpty(String expression) {
		assertThat(ClaimExpression.compile(expression).value(ACTIVATION)).isEmpty();
	}

	@Test
	void compileWhenNotBooleanThenStillAValue() {
		// Only a condition must be true or false.
		assertThat(ClaimExpression.compile("now").value(ACTIVATION)).contains(1_900_000_000L);
		assertThatIllegalArgumentException().isThrownBy(() -> Condition.compile("now"))
			.withMessageContaining("must be true or false");
	}

}

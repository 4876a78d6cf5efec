package dev.writ.policy;

import java.util.Date;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConditionTests {

	private static final Map<String, Object> ACTIVATION = Map.of("subject", "repo:acme/payments:environment:prod",
			"source", "github", "claims",
			CelExpression.celValue(Map.of("repository_owner_id", "4242", "run_attempt", 1, "exp",
					new Date(2_000_000_000_000L), "kubernetes.io", Map.of("namespace", "shop"))),
			"attributes", Map.of("tenant", "acme", "environment", "prod"), "request",
			Map.of("audience", "https://payments.example.org", "resource", "", "scopes", List.of("charge"), "params",
					Map.of("tenant", "acme")),
			"now", 1_900_000_000L);

	@ParameterizedTest
	@ValueSource(strings = { "attributes.environment == 'prod' && request.params.tenant == attributes.tenant",
			"claims.repository_owner_id == '4242'", "'charge' in request.scopes",
			"request.scopes.all(s, s.startsWith('ch'))", "has(claims.repository_owner_id)",
			"claims['kubernetes.io'].namespace == 'shop'", "claims.exp > now", "claims.run_attempt == 1",
			"subject.startsWith('repo:acme/')", "source == 'github'", "request.resource == ''" })
	void testWhenTrueThenTrue(String expression) {
		assertThat(Condition.compile(expression).test(ACTIVATION)).isEqualTo(Condition.Outcome.TRUE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "attributes.environment == 'staging'", "claims.repository_owner_id == '1'",
			"'refund' in request.scopes", "now > claims.exp" })
	void testWhenFalseThenFalse(String expression) {
		assertThat(Condition.compile(expression).test(ACTIVATION)).isEqualTo(Condition.Outcome.FALSE);
	}

	@Test
	void testWhenAClaimIsMissingThenErrorWhichDenies() {
		assertThat(Condition.compile("claims.missing == 'x'").test(ACTIVATION)).isEqualTo(Condition.Outcome.ERROR);
		assertThat(Condition.compile("attributes.missing == 'x'").test(ACTIVATION)).isEqualTo(Condition.Outcome.ERROR);
	}

	@ParameterizedTest
	@ValueSource(strings = { "attributes.environment = 'prod'", "unknown_variable == 1", "claims.a ==", "1 + 1",
			"attributes.tenant", "request.scopes.exists(s, )" })
	void compileWhenNotABooleanCelExpressionThenEveryIssue(String expression) {
		assertThatIllegalArgumentException().isThrownBy(() -> Condition.compile(expression))
			.withMessageNotContaining("Exception");
	}

}

package dev.writ.policy.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.writ.policy.Condition;

import static org.assertj.core.api.Assertions.assertThat;

class TenantPinsTests {

	@ParameterizedTest
	@ValueSource(strings = { "claims.repository_owner_id == '4242'", "'4242' == claims.repository_owner_id",
			"claims['repository_owner_id'] == '4242'", "claims.repository_owner_id in ['4242', '4343']",
			"attributes.environment == 'prod' && claims.repository_owner_id == '4242'",
			"(claims.repository_owner_id == '4242' && claims.ref == 'refs/heads/main') && now > 0" })
	void ofWhenPinnedInEveryCaseThenPinned(String expression) {
		assertThat(TenantPins.of(Condition.compile(expression))).contains("repository_owner_id");
	}

	@ParameterizedTest
	@ValueSource(strings = { "claims.repository_owner_id == '4242' || true", "!(claims.repository_owner_id != '4242')",
			"claims.repository_owner_id != '4242'", "claims.repository_owner_id.startsWith('42')",
			"claims.repository_owner_id == claims.actor_id", "claims.repository_owner_id in []",
			"attributes.tenant_id == '4242'", "request.params.tenant == claims.repository_owner_id" })
	void ofWhenNotPinnedInEveryCaseThenNotPinned(String expression) {
		assertThat(TenantPins.of(Condition.compile(expression))).doesNotContain("repository_owner_id");
	}

	@Test
	void ofWhenSeveralPinsThenAll() {
		assertThat(TenantPins.of(Condition.compile("claims.a == 'x' && claims.b in ['y'] && claims.c.size() > 0")))
			.containsExactlyInAnyOrder("a", "b");
	}

}

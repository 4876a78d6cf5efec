package dev.writ.policy.rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.testing.TestTrust;
import dev.writ.policy.PolicySet;
import dev.writ.policy.Explanation;
import dev.writ.policy.load.PolicyLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code policy explain} and {@code /admin/explain}: a rehearsed subject, and why each
 * grant stopped.
 */
class RehearsalTests {

	@TempDir
	Path root;

	private PolicySet pinned() throws IOException {
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("policies.yaml"), """
				oidc:
				  - name: keycloak
				    issuer: https://sso.example.org/realms/ci
				grants:
				  - id: orders
				    trust: keycloak
				    subject: service-account-orders
				    audience: https://orders.example.org
				    scopes: [read]
				    claims: { azp: [orders] }
				""");
		return new PolicyLoader(TestTrust.factory(Clock.systemUTC()), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(dir);
	}

	private Explanation.Step explain(Map<String, Object> claims) throws IOException {
		Rehearsal.Request request = Rehearsal.request()
			.trust("keycloak")
			.subject("service-account-orders")
			.claims(claims)
			.expiresIn(Duration.ofMinutes(5))
			.audience("https://orders.example.org")
			.build();
		return new Rehearsal(pinned(), Clock.systemUTC()).explain(request).explanation().grants().getFirst();
	}

	@Test
	void explainWhenPinnedClaimMissingThenSaysMissingNotAnotherValue() throws IOException {
		Explanation.Step step = explain(Map.of());

		assertThat(step.outcome()).isEqualTo(Explanation.Outcome.CLAIMS);
		assertThat(step.reason()).isEqualTo("claim azp is missing; the grant pins it to [orders]");
	}

	@Test
	void explainWhenPinnedClaimHasAnotherValueThenSaysSo() throws IOException {
		Explanation.Step step = explain(Map.of("azp", "billing"));

		assertThat(step.outcome()).isEqualTo(Explanation.Outcome.CLAIMS);
		assertThat(step.reason()).isEqualTo("claim azp is not one of [orders]");
	}

	@Test
	void explainWhenPinnedClaimMatchesThenChosen() throws IOException {
		assertThat(explain(Map.of("azp", "orders")).outcome()).isEqualTo(Explanation.Outcome.CHOSEN);
	}

}

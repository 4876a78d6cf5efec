package dev.writ.policy.rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;
import dev.writ.policy.PolicySet;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code register:} checks of a policy test file: each entry's state on a day, with
 * the uses on record; decoded strictly, against the register's own ids.
 */
class RegisterCaseTests {

	@TempDir
	Path root;

	private List<PolicyTestRunner.CaseResult> run(String tests) throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.copy(Path.of("docs/examples/api-keys/policies.yaml"), policies.resolve("policies.yaml"));
		Files.writeString(Files.createDirectories(policies.resolve("tests")).resolve("register.yaml"), tests);
		PolicySet set = new PolicyLoader(TestTrust.factory(Clock.systemUTC()), this.root.resolve("keys"),
				Duration.ofMinutes(5), Duration.ofHours(1))
			.load(policies);
		return new PolicyTestRunner(set, Clock.systemUTC()).run(policies);
	}

	@Test
	void stateOtherThanExpectedThenFailsSayingBoth() throws IOException {
		List<PolicyTestRunner.CaseResult> results = run(
				"""
						register:
						  - name: rotation forgotten
						    date: 2027-01-31
						    expect: { checkout-payments-key: ok, exporter-vendor-key: ok }
						  - name: without its use on record, the key is not ready to retire
						    date: 2026-12-10
						    used: [ { subject: spiffe://prod.example.org/ns/shop/sa/other, audience: https://payments.example.org } ]
						    expect: { checkout-payments-key: ready-to-retire }
						""");

		assertThat(results).extracting(PolicyTestRunner.CaseResult::passed).containsExactly(false, false);
		assertThat(results.get(0).mismatches())
			.containsExactly("expected checkout-payments-key ok on 2027-01-31, got rotation-due");
		assertThat(results.get(0).where()).endsWith("register.yaml:2");
		assertThat(results.get(1).mismatches())
			.containsExactly("expected checkout-payments-key ready-to-retire on 2026-12-10, got ok");
	}

	@Test
	void badChecksThenEveryProblemWithItsLineAndNoneRuns() {
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> run("""
				register:
				  - name: an entry the register does not have
				    date: 2026-12-10
				    expect: { no-such-key: ok }
				  - name: a state that is none
				    date: 2026-12-10
				    expect: { checkout-payments-key: overdue }
				  - name: no day
				    date: the tenth
				    expect: { checkout-payments-key: ok }
				  - name: a use without its audience
				    date: 2026-12-10
				    used: [ { subject: spiffe://prod.example.org/ns/shop/sa/checkout } ]
				    expect: { checkout-payments-key: ok }
				  - date: 2026-12-10
				    expect: {}
				"""))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.satisfiesExactly(
						(p) -> assertThat(p).contains("register.yaml:4").contains("unknown key 'no-such-key'"),
						(p) -> assertThat(p).contains("register.yaml:7").contains("a state is one of"),
						(p) -> assertThat(p).contains("register.yaml:9").contains("date must be a date"),
						(p) -> assertThat(p).contains("register.yaml:13").contains("a use needs subject and audience"),
						(p) -> assertThat(p).contains("register.yaml:15").contains("a register check needs name"),
						(p) -> assertThat(p).contains("register.yaml:16").contains("expect names at least one entry")));
	}

}

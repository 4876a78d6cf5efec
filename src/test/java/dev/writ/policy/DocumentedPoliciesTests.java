package dev.writ.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.writ.testing.TestTrust;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.rehearsal.PolicyTestRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every policy example in the documentation loads, every one of its test cases passes,
 * and docs/policies.md shows its files exactly as they are; the shipped policies/ pass
 * their own tests too.
 */
class DocumentedPoliciesTests {

	@TempDir
	static Path keys;

	static Stream<Path> policyDirectories() throws IOException {
		try (Stream<Path> examples = Files.list(Path.of("docs/examples"))) {
			return Stream.concat(examples.filter(Files::isDirectory).sorted().toList().stream(),
					Stream.of(Path.of("policies")));
		}
	}

	@ParameterizedTest
	@MethodSource("policyDirectories")
	void policiesWhenTestedThenEveryCasePasses(Path directory) {
		PolicySet set = new PolicyLoader(TestTrust.factory(Clock.systemUTC()), keys, Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(directory);

		List<PolicyTestRunner.CaseResult> results = new PolicyTestRunner(set, Clock.systemUTC()).run(directory);

		assertThat(results).isNotEmpty();
		assertThat(results).allSatisfy((result) -> assertThat(result.passed())
			.as(result.name() + " at " + result.where() + ": " + result.mismatches())
			.isTrue());
	}

	@ParameterizedTest
	@MethodSource("policyDirectories")
	void documentationWhenAnExampleThenShownExactly(Path directory) throws IOException {
		if (directory.startsWith("policies")) {
			return; // the shipped policies are described in the README, not embedded
		}
		String documentation = Files.readString(Path.of("docs/policies.md"));
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				assertThat(documentation).as(file + " is shown in docs/policies.md as it is")
					.contains("```yaml\n" + Files.readString(file) + "```");
			}
		}
	}

}

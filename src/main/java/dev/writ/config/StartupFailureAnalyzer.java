package dev.writ.config;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.writ.keys.KeyConfigurationException;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;

/** Turns a refused start into a list of every problem, by file and line, instead of a stack trace. */
final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<RuntimeException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RuntimeException cause) {
		List<String> problems;
		String action;
		if (cause instanceof PolicyException policy) {
			problems = policy.problems().stream().map(PolicyProblem::toString).toList();
			action = "Fix the policy files (java -jar writ.jar policy check lists the same problems).";
		}
		else if (cause instanceof KeyConfigurationException keys) {
			problems = keys.problems();
			action = "Fix or remove the key files named above.";
		}
		else if (cause instanceof WritConfigurationException settings) {
			problems = settings.problems();
			action = "Fix the writ.* settings named above.";
		}
		else {
			return null;
		}
		String description = "Writ refused to start, " + problems.size() + " problem(s):\n"
				+ problems.stream().map((p) -> "  - " + p).collect(Collectors.joining("\n"));
		return new FailureAnalysis(description, action, cause);
	}

}

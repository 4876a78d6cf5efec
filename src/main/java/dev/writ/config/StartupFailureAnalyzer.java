package dev.writ.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

import dev.writ.keys.KeyConfigurationException;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;

/**
 * Turns a refused start into a list of every problem, by file and line, instead of a
 * stack trace.
 */
final class StartupFailureAnalyzer implements FailureAnalyzer {

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			FailureAnalysis analysis = analyzeOne(cause);
			if (analysis != null) {
				return analysis;
			}
		}
		return analyzeTls(failure);
	}

	/**
	 * A TLS bundle that cannot be loaded (a missing file, a certificate without its key,
	 * a key that does not match) fails deep in Spring Boot's SSL support: say which, by
	 * the messages of the causes, without a stack trace. The messages name files, never
	 * their content.
	 */
	private static @Nullable FailureAnalysis analyzeTls(Throwable failure) {
		Set<String> messages = new LinkedHashSet<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && Arrays.stream(cause.getStackTrace())
				.anyMatch((frame) -> frame.getClassName().startsWith("org.springframework.boot.ssl.")
						|| frame.getClassName().startsWith("org.springframework.boot.autoconfigure.ssl."))) {
				messages.add(cause.getMessage());
			}
		}
		if (messages.isEmpty()) {
			return null;
		}
		String innermost = messages.stream().reduce((first, second) -> second).orElse("unknown");
		return new FailureAnalysis(
				"Writ refused to start, 1 problem(s):\n  - TLS: " + innermost
						+ ((messages.size() > 1) ? "\n    (" + String.join("; ", messages) + ")" : ""),
				"Fix the files named by spring.ssl.bundle.pem.* (see docs/configuration.md, TLS).", failure);
	}

	private static @Nullable FailureAnalysis analyzeOne(Throwable cause) {
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
			action = "Fix the settings named above.";
		}
		else {
			return null;
		}
		String description = "Writ refused to start, " + problems.size() + " problem(s):\n"
				+ problems.stream().map((p) -> "  - " + p).collect(Collectors.joining("\n"));
		return new FailureAnalysis(description, action, cause);
	}

}

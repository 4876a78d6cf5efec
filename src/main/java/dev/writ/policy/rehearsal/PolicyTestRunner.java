package dev.writ.policy.rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.error.ExchangeException;
import dev.writ.error.Failures;
import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.Decision;
import dev.writ.policy.Explanation;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;
import dev.writ.policy.PolicySet;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.load.StrictYaml;

/**
 * Runs the policy test cases of {@code <policies>/tests/*.yaml} against a loaded policy
 * set: each case describes a subject, its claims and a request, and what must come of it
 * — allow by which grant, with which scopes, lifetime and token claims, or deny with
 * which error — and the checks of the register of API keys ({@link RegisterCase}). Cases
 * are decoded as strictly as policies.
 */
public final class PolicyTestRunner {

	private static final Set<String> FILE_KEYS = Set.of("tests", "register");

	private final PolicySet policies;

	private final Clock clock;

	public PolicyTestRunner(PolicySet policies, Clock clock) {
		this.policies = policies;
		this.clock = clock;
	}

	/**
	 * Runs every case in the directory's {@code tests/} folder.
	 * @throws PolicyException listing every problem in the test files, before any case
	 * runs
	 */
	public List<CaseResult> run(Path policiesDirectory) {
		List<PolicyProblem> problems = new ArrayList<>();
		List<TestCase> cases = new ArrayList<>();
		List<RegisterCase> checks = new ArrayList<>();
		Set<String> ids = this.policies.register().entries().stream().map(ApiKeyEntry::id).collect(Collectors.toSet());
		for (Path file : files(policiesDirectory.resolve("tests"), problems)) {
			StrictYaml yaml = new StrictYaml(file, problems);
			String text;
			try {
				text = PolicyLoader.readText(file);
			}
			catch (IOException ex) {
				problems.add(new PolicyProblem(file, 0, Failures.message(ex)));
				continue;
			}
			Node root = yaml.parse(text);
			Map<String, Node> top = (root == null) ? null : yaml.mapping(root, "a test file", FILE_KEYS);
			List<Node> items = (top == null || !top.containsKey("tests")) ? List.of()
					: yaml.sequence(top.get("tests"), "tests");
			for (Node item : (items == null) ? List.<Node>of() : items) {
				TestCase decoded = TestCase.decode(yaml, item);
				if (decoded != null) {
					cases.add(decoded);
				}
			}
			List<Node> register = (top == null || !top.containsKey("register")) ? List.of()
					: yaml.sequence(top.get("register"), "register");
			for (Node item : (register == null) ? List.<Node>of() : register) {
				RegisterCase decoded = RegisterCase.decode(yaml, item, ids);
				if (decoded != null) {
					checks.add(decoded);
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new PolicyException(problems);
		}
		Rehearsal rehearsal = new Rehearsal(this.policies, this.clock);
		List<CaseResult> results = new ArrayList<>(cases.stream().map((c) -> run(rehearsal, c)).toList());
		for (RegisterCase check : checks) {
			List<String> mismatches = check.mismatches(this.policies.register());
			results.add(new CaseResult(check.name(), check.where(), mismatches.isEmpty(), mismatches, null));
		}
		return results;
	}

	private static List<Path> files(Path directory, List<PolicyProblem> problems) {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.filter(Files::isRegularFile).filter(PolicyLoader::isPolicyFile).sorted().toList();
		}
		catch (IOException ex) {
			problems.add(new PolicyProblem(directory, 0, "cannot be read: " + ex.getMessage()));
			return List.of();
		}
	}

	private CaseResult run(Rehearsal rehearsal, TestCase c) {
		Explanation explanation;
		try {
			explanation = rehearsal.explain(c.request()).explanation();
		}
		catch (ExchangeException ex) {
			return compare(c, new Decision.Deny(ex.errorCode(), ex.description(), ex.detail(), this.policies.digest()),
					null);
		}
		catch (IllegalArgumentException ex) {
			return new CaseResult(c.name(), c.where(), false, List.of("cannot rehearse: " + ex.getMessage()), null);
		}
		return compare(c, explanation.decision(), explanation);
	}

	private static CaseResult compare(TestCase c, Decision decision, @Nullable Explanation explanation) {
		TestCase.Expectation expected = c.expectation();
		List<String> mismatches = new ArrayList<>();
		if (decision instanceof Decision.Allow allow) {
			if (!expected.allow()) {
				mismatches.add("expected deny" + ((expected.error() != null) ? " " + expected.error() : "")
						+ ", got allow by " + allow.grantId() + " with " + sorted(allow.scopes()) + " for "
						+ allow.ttl().toSeconds() + "s");
			}
			else {
				if (expected.grant() != null && !expected.grant().equals(allow.grantId())) {
					mismatches.add("expected grant " + expected.grant() + ", got " + allow.grantId());
				}
				if (expected.scopes() != null && !expected.scopes().equals(allow.scopes())) {
					mismatches.add("expected scopes " + sorted(expected.scopes()) + ", got " + sorted(allow.scopes()));
				}
				if (expected.ttl() != null && !expected.ttl().equals(allow.ttl())) {
					mismatches
						.add("expected ttl " + expected.ttl().toSeconds() + "s, got " + allow.ttl().toSeconds() + "s");
				}
				expected.claims().forEach((name, value) -> {
					Object actual = allow.claims().get(name);
					if (actual == null || !String.valueOf(actual).equals(String.valueOf(value))) {
						mismatches.add("expected token claim " + name + " = " + value + ", got " + actual);
					}
				});
			}
		}
		else if (decision instanceof Decision.Deny deny) {
			if (expected.allow()) {
				mismatches.add("expected allow" + ((expected.grant() != null) ? " by " + expected.grant() : "")
						+ ", got deny " + deny.errorCode().code() + ": " + deny.detail());
			}
			else if (expected.error() != null && !expected.error().equals(deny.errorCode().code())) {
				mismatches.add("expected deny " + expected.error() + ", got deny " + deny.errorCode().code() + ": "
						+ deny.detail());
			}
		}
		return new CaseResult(c.name(), c.where(), mismatches.isEmpty(), mismatches, explanation);
	}

	private static List<String> sorted(Set<String> values) {
		return values.stream().sorted().toList();
	}

	/**
	 * One case's outcome.
	 *
	 * @param name the case's name
	 * @param where where it is defined
	 * @param passed whether everything expected came out
	 * @param mismatches what differed, expected against actual
	 * @param explanation how the policies decided, when they were reached
	 */
	public record CaseResult(String name, String where, boolean passed, List<String> mismatches,
			@Nullable Explanation explanation) {
	}

}

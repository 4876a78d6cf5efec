package dev.writ.policy.rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.writ.error.ExchangeException;
import dev.writ.policy.Decision;
import dev.writ.policy.Durations;
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
 * which error. Cases are decoded as strictly as policies.
 */
public final class PolicyTestRunner {

	private static final Set<String> FILE_KEYS = Set.of("tests");

	private static final Set<String> CASE_KEYS = Set.of("name", "subject", "trust", "claims", "subject_expires_in",
			"request", "expect");

	private static final Set<String> REQUEST_KEYS = Set.of("audience", "resource", "scope", "params");

	private static final Set<String> EXPECT_KEYS = Set.of("decision", "grant", "scopes", "ttl", "claims", "error");

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
		List<Case> cases = new ArrayList<>();
		for (Path file : files(policiesDirectory.resolve("tests"), problems)) {
			StrictYaml yaml = new StrictYaml(file, problems);
			String text;
			try {
				text = PolicyLoader.readText(file);
			}
			catch (IOException ex) {
				problems.add(new PolicyProblem(file, 0, ex.getMessage()));
				continue;
			}
			Node root = yaml.parse(text);
			Map<String, Node> top = (root == null) ? null : yaml.mapping(root, "a test file", FILE_KEYS);
			List<Node> items = (top == null || !top.containsKey("tests")) ? List.of()
					: yaml.sequence(top.get("tests"), "tests");
			for (Node item : (items == null) ? List.<Node>of() : items) {
				Case decoded = decode(yaml, item);
				if (decoded != null) {
					cases.add(decoded);
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new PolicyException(problems);
		}
		Rehearsal rehearsal = new Rehearsal(this.policies, this.clock);
		return cases.stream().map((c) -> run(rehearsal, c)).toList();
	}

	private static List<Path> files(Path directory, List<PolicyProblem> problems) {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.filter(Files::isRegularFile)
				.filter((p) -> p.getFileName().toString().endsWith(".yaml")
						|| p.getFileName().toString().endsWith(".yml"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			problems.add(new PolicyProblem(directory, 0, "cannot be read: " + ex.getMessage()));
			return List.of();
		}
	}

	private static Case decode(StrictYaml yaml, Node node) {
		Map<String, Node> fields = yaml.mapping(node, "a test", CASE_KEYS);
		if (fields == null) {
			return null;
		}
		int before = yaml.problemCount();
		for (String required : List.of("name", "subject", "request", "expect")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "a test needs " + required);
			}
		}
		String name = fields.containsKey("name") ? yaml.string(fields.get("name"), "name") : null;
		String subject = fields.containsKey("subject") ? yaml.string(fields.get("subject"), "subject") : null;
		String trust = fields.containsKey("trust") ? yaml.string(fields.get("trust"), "trust") : null;
		Map<String, Object> claims = fields.containsKey("claims") ? asMap(yaml, fields.get("claims"), "claims")
				: Map.of();
		Duration expiresIn = Duration.ofHours(1);
		if (fields.containsKey("subject_expires_in")) {
			String value = yaml.string(fields.get("subject_expires_in"), "subject_expires_in");
			expiresIn = (value == null) ? null : Durations.parse(value).orElse(null);
			if (value != null && expiresIn == null) {
				yaml.problem(fields.get("subject_expires_in"), "subject_expires_in must be such as 5m");
			}
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		Map<String, Node> request = fields.containsKey("request")
				? yaml.mapping(fields.get("request"), "request", REQUEST_KEYS) : null;
		if (request != null) {
			for (String key : List.of("audience", "resource", "scope")) {
				if (request.containsKey(key)) {
					String value = yaml.string(request.get(key), key);
					if (value != null) {
						parameters.put(key, value);
					}
				}
			}
			if (request.containsKey("params")) {
				asMap(yaml, request.get("params"), "params").forEach((k, v) -> parameters.put(k, String.valueOf(v)));
			}
		}
		Map<String, Node> expect = fields.containsKey("expect")
				? yaml.mapping(fields.get("expect"), "expect", EXPECT_KEYS) : null;
		Expectation expectation = (expect == null) ? null : expectation(yaml, fields.get("expect"), expect);
		if (yaml.problemCount() > before || expectation == null || expiresIn == null) {
			return null;
		}
		if (subject == null) {
			return null; // its problem is recorded
		}
		return new Case(name, yaml.where(node), new Rehearsal.Request(trust, subject, claims, expiresIn, parameters),
				expectation);
	}

	private static Expectation expectation(StrictYaml yaml, Node node, Map<String, Node> expect) {
		String decision = expect.containsKey("decision") ? yaml.string(expect.get("decision"), "decision") : null;
		if (!"allow".equals(decision) && !"deny".equals(decision)) {
			yaml.problem(expect.containsKey("decision") ? expect.get("decision") : node,
					"expect needs decision: allow or deny");
			return null;
		}
		String grant = expect.containsKey("grant") ? yaml.string(expect.get("grant"), "grant") : null;
		Set<String> scopes = expect.containsKey("scopes")
				? new LinkedHashSet<>(
						java.util.Optional.ofNullable(yaml.strings(expect.get("scopes"), "scopes")).orElse(List.of()))
				: null;
		Duration ttl = null;
		if (expect.containsKey("ttl")) {
			String value = yaml.string(expect.get("ttl"), "ttl");
			ttl = (value == null) ? null : Durations.parse(value).orElse(null);
			if (value != null && ttl == null) {
				yaml.problem(expect.get("ttl"), "ttl must be such as 5m");
			}
		}
		Map<String, Object> claims = expect.containsKey("claims") ? asMap(yaml, expect.get("claims"), "claims")
				: Map.of();
		String error = expect.containsKey("error") ? yaml.string(expect.get("error"), "error") : null;
		if ("allow".equals(decision) && error != null) {
			yaml.problem(expect.get("error"), "an allow has no error");
		}
		return new Expectation("allow".equals(decision), grant, scopes, ttl, claims, error);
	}

	/**
	 * A YAML mapping as plain values: strings, longs, doubles, booleans, lists and maps.
	 */
	private static Map<String, Object> asMap(StrictYaml yaml, Node node, String what) {
		if (!(node instanceof MappingNode mapping)) {
			yaml.problem(node, what + " must be a mapping");
			return Map.of();
		}
		Map<String, Object> values = new LinkedHashMap<>();
		mapping.getValue().forEach((tuple) -> {
			String key = yaml.string(tuple.getKeyNode(), "a key of " + what);
			if (key != null) {
				values.put(key, value(tuple.getValueNode(), yaml));
			}
		});
		return values;
	}

	private static Object value(Node node, StrictYaml yaml) {
		if (node instanceof ScalarNode scalar) {
			Tag tag = scalar.getTag();
			if (Tag.INT.equals(tag)) {
				return Long.valueOf(scalar.getValue());
			}
			if (Tag.FLOAT.equals(tag)) {
				return Double.valueOf(scalar.getValue());
			}
			if (Tag.BOOL.equals(tag)) {
				return Boolean.valueOf(scalar.getValue());
			}
			return scalar.getValue();
		}
		if (node instanceof SequenceNode sequence) {
			return sequence.getValue().stream().map((n) -> value(n, yaml)).toList();
		}
		return asMap(yaml, node, "a value");
	}

	private CaseResult run(Rehearsal rehearsal, Case c) {
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

	private static CaseResult compare(Case c, Decision decision, Explanation explanation) {
		Expectation expected = c.expectation();
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

	private record Case(String name, String where, Rehearsal.Request request, Expectation expectation) {
	}

	private record Expectation(boolean allow, String grant, Set<String> scopes, Duration ttl,
			Map<String, Object> claims, String error) {
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
			Explanation explanation) {
	}

}

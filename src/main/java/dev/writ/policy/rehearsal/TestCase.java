package dev.writ.policy.rehearsal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.writ.request.TokenTypes;
import dev.writ.policy.Durations;
import dev.writ.policy.load.StrictYaml;

/**
 * One case of a policy test file ({@code policies/tests/*.yaml}): a rehearsed request,
 * and what must come of it. Decoded strictly, each problem with its line.
 *
 * @param name the case's name
 * @param where the case, as {@code file:line}
 * @param request the request to rehearse
 * @param expectation what must come of it
 */
record TestCase(String name, String where, Rehearsal.Request request, Expectation expectation) {

	private static final Set<String> CASE_KEYS = Set.of("name", "subject", "trust", "claims", "subject_expires_in",
			"actor", "writ_token", "dpop", "mtls", "request", "expect");

	private static final Set<String> WRIT_TOKEN_KEYS = Set.of("audience", "grant", "scopes", "act");

	private static final Set<String> ACTOR_KEYS = Set.of("subject", "trust", "claims");

	private static final Set<String> REQUEST_KEYS = Set.of("audience", "resource", "scope", "params", "credential");

	private static final Set<String> EXPECT_KEYS = Set.of("decision", "grant", "scopes", "ttl", "claims", "error");

	/** The case at {@code node}, or null with its problems recorded. */
	static @Nullable TestCase decode(StrictYaml yaml, Node node) {
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
		@Nullable Duration expiresIn = Duration.ofHours(1);
		if (fields.containsKey("subject_expires_in")) {
			String value = yaml.string(fields.get("subject_expires_in"), "subject_expires_in");
			expiresIn = (value == null) ? null : Durations.parse(value).orElse(null);
			if (value != null && expiresIn == null) {
				yaml.problem(fields.get("subject_expires_in"), "subject_expires_in must be such as 5m");
			}
		}
		Rehearsal.Party actor = null;
		Map<String, Node> acting = fields.containsKey("actor") ? yaml.mapping(fields.get("actor"), "actor", ACTOR_KEYS)
				: null;
		if (acting != null) {
			String actorSubject = acting.containsKey("subject") ? yaml.string(acting.get("subject"), "actor subject")
					: null;
			if (!acting.containsKey("subject")) {
				yaml.problem(StrictYaml.at(fields, "actor", node), "an actor needs subject");
			}
			String actorTrust = acting.containsKey("trust") ? yaml.string(acting.get("trust"), "actor trust") : null;
			Map<String, Object> actorClaims = acting.containsKey("claims")
					? asMap(yaml, acting.get("claims"), "actor claims") : Map.of();
			if (actorSubject != null) {
				actor = new Rehearsal.Party(actorTrust, actorSubject, actorClaims);
			}
		}
		Rehearsal.Issued issued = null;
		Map<String, Node> writToken = fields.containsKey("writ_token")
				? yaml.mapping(fields.get("writ_token"), "writ_token", WRIT_TOKEN_KEYS) : null;
		if (writToken != null) {
			String audience = writToken.containsKey("audience")
					? yaml.string(writToken.get("audience"), "writ_token audience") : null;
			String grant = writToken.containsKey("grant") ? yaml.string(writToken.get("grant"), "writ_token grant")
					: null;
			if (audience == null || grant == null) {
				yaml.problem(StrictYaml.at(fields, "writ_token", node), "a writ_token needs audience and grant");
			}
			List<String> scopes = writToken.containsKey("scopes")
					? yaml.strings(writToken.get("scopes"), "writ_token scopes") : List.of();
			Map<String, Object> act = writToken.containsKey("act") ? asMap(yaml, writToken.get("act"), "writ_token act")
					: null;
			if (audience != null && grant != null) {
				issued = new Rehearsal.Issued(audience, grant,
						new LinkedHashSet<>((scopes != null) ? scopes : List.of()), act);
			}
		}
		Boolean dpop = fields.containsKey("dpop") ? yaml.bool(fields.get("dpop"), "dpop") : Boolean.FALSE;
		Boolean mtls = fields.containsKey("mtls") ? yaml.bool(fields.get("mtls"), "mtls") : Boolean.FALSE;
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
			if (request.containsKey("credential")
					&& Boolean.TRUE.equals(yaml.bool(request.get("credential"), "credential"))) {
				// A request for a just-in-time credential, not a token.
				parameters.put("requested_token_type", TokenTypes.PASSWORD);
			}
			if (request.containsKey("params")) {
				asMap(yaml, request.get("params"), "params").forEach((k, v) -> parameters.put(k, String.valueOf(v)));
			}
		}
		Map<String, Node> expect = fields.containsKey("expect")
				? yaml.mapping(fields.get("expect"), "expect", EXPECT_KEYS) : null;
		Expectation expectation = (expect == null) ? null
				: expectation(yaml, StrictYaml.at(fields, "expect", node), expect);
		if (yaml.problemCount() > before || expectation == null || expiresIn == null || dpop == null || mtls == null) {
			return null;
		}
		if (name == null || subject == null) {
			return null; // its problem is recorded
		}
		return new TestCase(name, yaml.where(node),
				new Rehearsal.Request(trust, subject, claims, expiresIn, parameters, actor, issued, dpop, mtls),
				expectation);
	}

	private static @Nullable Expectation expectation(StrictYaml yaml, Node node, Map<String, Node> expect) {
		String decision = expect.containsKey("decision") ? yaml.string(expect.get("decision"), "decision") : null;
		if (!"allow".equals(decision) && !"deny".equals(decision)) {
			yaml.problem(StrictYaml.at(expect, "decision", node), "expect needs decision: allow or deny");
			return null;
		}
		String grant = expect.containsKey("grant") ? yaml.string(expect.get("grant"), "grant") : null;
		Set<String> scopes = expect.containsKey("scopes") ? new LinkedHashSet<>(
				Optional.ofNullable(yaml.strings(expect.get("scopes"), "scopes")).orElse(List.of())) : null;
		@Nullable Duration ttl = null;
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
			yaml.problem(StrictYaml.at(expect, "error", node), "an allow has no error");
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

	/** What must come of a case. */
	record Expectation(boolean allow, @Nullable String grant, @Nullable Set<String> scopes, @Nullable Duration ttl,
			Map<String, Object> claims, @Nullable String error) {
	}

}

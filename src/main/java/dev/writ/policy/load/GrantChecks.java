package dev.writ.policy.load;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;
import dev.writ.policy.ClaimExpression;
import dev.writ.policy.Binding;
import dev.writ.policy.Condition;
import dev.writ.policy.SourceRules;
import dev.writ.policy.SubjectMatcher;

/**
 * The checks a grant passes beyond its syntax: the multi-tenant guardrail, for its
 * subject and its actor, and that its expressions read only the parties it can have.
 */
final class GrantChecks {

	private GrantChecks() {
	}

	/**
	 * An expression that reads {@code actor} or {@code act} in a grant that takes no
	 * actor, or {@code token} in one that takes no Writ token, would read only empty
	 * values: it means nothing, and is refused.
	 */
	static void parties(StrictYaml yaml, Node grant, Map<String, Node> fields, boolean delegates, boolean chains,
			Optional<Condition> when, Map<String, ClaimExpression> tokenClaims) {
		Set<String> read = new java.util.TreeSet<>();
		when.ifPresent((condition) -> read.addAll(condition.variables()));
		tokenClaims.values().forEach((claim) -> read.addAll(claim.variables()));
		Node at = fields.containsKey("when") ? StrictYaml.at(fields, "when", grant)
				: StrictYaml.at(fields, "token_claims", grant);
		if (!delegates && (read.contains("actor") || read.contains("act"))) {
			yaml.problem(at, "the grant reads actor or act but allows no delegation: add actor or actor_pattern");
		}
		if (!chains && read.contains("token")) {
			yaml.problem(at, "the grant reads token but takes no Writ token: add from_audience");
		}
	}

	/**
	 * The multi-tenant guardrail: on a shared issuer (GitHub, gitlab.com,
	 * accounts.google.com) anyone can mint a token; only the tenant claims tell one
	 * organisation from another. A grant that does not pin every one of them to literal
	 * values — in {@code claims:}, in a top-level {@code &&} term of {@code when:}, or
	 * for {@code sub} by an exact {@code subject} — would let other tenants in, and is
	 * refused. An actor of a shared issuer is held to the same rule, with
	 * {@code actor_claims:}, {@code actor.claims} terms and an exact {@code actor}.
	 */
	static void guardrail(StrictYaml yaml, Node grant, Map<String, Node> fields, String id, SubjectMatcher subject,
			Map<String, Set<String>> pins, Set<String> whenPins, SourceRules source, String pinKey) {
		Set<String> pinned = new HashSet<>(pins.keySet());
		pinned.addAll(whenPins);
		if (subject instanceof SubjectMatcher.Exact) {
			pinned.add("sub");
		}
		for (String claim : source.tenantClaims()) {
			if (!pinned.contains(claim)) {
				Node at = fields.containsKey("when") ? StrictYaml.at(fields, "when", grant)
						: StrictYaml.at(fields, "id", grant);
				yaml.problem(at, "grant '" + id + "' trusts " + subject.source() + ", a shared issuer where anyone can "
						+ "mint tokens, without pinning " + claim
						+ ": any tenant of that issuer whose tokens match the "
						+ (pinKey.equals("claims") ? "subject could get this token" : "actor could act") + ". Pin it: "
						+ pinKey + ": { " + claim + ": \"<your " + claim + ">\" }" + (claim.equals("sub")
								? (pinKey.equals("claims") ? " or an exact subject" : " or an exact actor") : ""));
			}
		}
	}

	/**
	 * A grant's or trust entry's {@code binding:}: {@code optional} (the default),
	 * {@code dpop}, {@code mtls} or {@code required}.
	 */
	static @Nullable Binding binding(StrictYaml yaml, @Nullable Node node) {
		if (node == null) {
			return Binding.OPTIONAL;
		}
		String value = yaml.string(node, "binding");
		if (value == null) {
			return null;
		}
		for (Binding binding : Binding.values()) {
			if (binding.label().equals(value)) {
				return binding;
			}
		}
		yaml.problem(node, "binding is optional, dpop, mtls or required");
		return null;
	}

}

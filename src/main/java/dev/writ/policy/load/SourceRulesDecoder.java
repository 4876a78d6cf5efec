package dev.writ.policy.load;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.context.AttributeExpression;
import dev.writ.context.AttributeMapping;
import dev.writ.policy.Binding;
import dev.writ.policy.Durations;
import dev.writ.policy.SourceRules;

/**
 * Decodes what a trust entry says beyond its keys into its {@link SourceRules}:
 * attributes, TTL capping, replay, rate limits, what to do without the store, the longest
 * subject-token lifetime, multiple audiences. Strictly, with every problem at its line;
 * {@link TrustDecoder} decodes the rest of the entry.
 */
final class SourceRulesDecoder {

	private static final Pattern PER = Pattern.compile("\\s+per\\s+");

	private static final Set<String> RATE_KEYS = Set.of("subject", "source");

	private SourceRulesDecoder() {
	}

	/**
	 * The rules of a {@code spiffe:} or {@code oidc:} entry.
	 * @param spiffe whether the entry is a SPIFFE trust domain (only those may set
	 * {@code multiple_audiences})
	 * @param oneTimeByDefault whether its tokens are one-time unless it says
	 * {@code replay: reuse}
	 * @param mapping its attribute mapping, decoded with {@link #attributes}
	 * @param tenantClaims the claims that tell its tenants apart
	 */
	static SourceRules decode(StrictYaml yaml, Map<String, Node> entry, boolean spiffe, boolean oneTimeByDefault,
			AttributeMapping mapping, Set<String> tenantClaims) {
		boolean cap = capTtl(yaml, entry);
		boolean oneTime = oneTimeByDefault;
		if (entry.containsKey("replay")) {
			String replay = yaml.string(entry.get("replay"), "replay");
			if ("one-time".equals(replay) || "reuse".equals(replay)) {
				oneTime = "one-time".equals(replay);
			}
			else if (replay != null) {
				yaml.problem(entry.get("replay"), "replay is one-time or reuse");
			}
		}
		Optional<SourceRules.RateLimit> subject = Optional.empty();
		Optional<SourceRules.RateLimit> source = Optional.empty();
		if (entry.containsKey("rate_limit")) {
			Map<String, Node> limits = yaml.mapping(entry.get("rate_limit"), "rate_limit", RATE_KEYS);
			if (limits != null) {
				subject = rateLimit(yaml, limits.get("subject"));
				source = rateLimit(yaml, limits.get("source"));
			}
		}
		boolean carryOn = false;
		if (entry.containsKey("on_store_failure")) {
			String value = yaml.string(entry.get("on_store_failure"), "on_store_failure");
			if (!"refuse".equals(value) && !"carry-on".equals(value)) {
				yaml.problem(entry.get("on_store_failure"), "on_store_failure is refuse or carry-on");
			}
			carryOn = "carry-on".equals(value);
			if (carryOn && oneTime) {
				yaml.problem(entry.get("on_store_failure"), "a one-time source cannot carry on without the store: "
						+ "without it, a used token could be used again");
				carryOn = false;
			}
		}
		Duration lifetime = SourceRules.DEFAULT_MAX_TOKEN_LIFETIME;
		if (entry.containsKey("max_token_lifetime")) {
			String text = yaml.string(entry.get("max_token_lifetime"), "max_token_lifetime");
			Optional<Duration> parsed = (text == null) ? Optional.empty() : Durations.parse(text);
			if (text != null
					&& (parsed.isEmpty() || parsed.get().compareTo(SourceRules.LONGEST_MAX_TOKEN_LIFETIME) > 0)) {
				yaml.problem(entry.get("max_token_lifetime"), "max_token_lifetime is a duration up to "
						+ Durations.format(SourceRules.LONGEST_MAX_TOKEN_LIFETIME) + ", like 24h");
			}
			lifetime = parsed.orElse(lifetime);
		}
		// JWT-SVIDs name one audience unless the entry opts in; OIDC tokens may name
		// several (with azp, OIDC Core §2).
		boolean multipleAudiences = !spiffe || (entry.containsKey("multiple_audiences")
				&& Boolean.TRUE.equals(yaml.bool(entry.get("multiple_audiences"), "multiple_audiences")));
		Binding binding = GrantChecks.binding(yaml, entry.get("binding"));
		return new SourceRules(mapping, tenantClaims, cap, oneTime, subject, source, carryOn, lifetime,
				multipleAudiences, (binding != null) ? binding : Binding.OPTIONAL);
	}

	private static Optional<SourceRules.RateLimit> rateLimit(StrictYaml yaml, @Nullable Node node) {
		if (node == null) {
			return Optional.empty();
		}
		String text = yaml.string(node, "a rate limit");
		Optional<SourceRules.RateLimit> limit = (text == null) ? Optional.empty() : rateLimit(text);
		if (text != null && limit.isEmpty()) {
			yaml.problem(node, "a rate limit reads like \"60 per 1m\"");
		}
		return limit;
	}

	// Secure default: an issued token never outlives the identity that obtained it.
	private static boolean capTtl(StrictYaml yaml, Map<String, Node> entry) {
		return !entry.containsKey("cap_ttl_to_subject")
				|| !Boolean.FALSE.equals(yaml.bool(entry.get("cap_ttl_to_subject"), "cap_ttl_to_subject"));
	}

	/**
	 * An entry's {@code attributes}: names to attribute expressions, over the defaults (a
	 * preset's).
	 */
	static AttributeMapping attributes(StrictYaml yaml, @Nullable Node node, Map<String, String> defaults) {
		Map<String, AttributeExpression> expressions = new LinkedHashMap<>();
		defaults.forEach((name, text) -> expressions.put(name, AttributeExpression.compile(text)));
		if (node == null) {
			return AttributeMapping.of(expressions);
		}
		if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode mapping)) {
			yaml.problem(node, "attributes must be a mapping of names to expressions");
			return AttributeMapping.none();
		}
		for (var tuple : mapping.getValue()) {
			String name = yaml.string(tuple.getKeyNode(), "an attribute name");
			String text = yaml.string(tuple.getValueNode(), "an attribute expression");
			if (name == null || text == null) {
				continue;
			}
			if (!TrustDecoder.NAME.matcher(name.replace('_', '-')).matches()) {
				yaml.problem(tuple.getKeyNode(), "attribute names are lowercase letters, digits and '_'");
				continue;
			}
			try {
				expressions.put(name, AttributeExpression.compile(text));
			}
			catch (IllegalArgumentException ex) {
				yaml.problem(tuple.getValueNode(), "attribute " + name + ": " + ex.getMessage());
			}
		}
		return AttributeMapping.of(expressions);
	}

	/** Parses {@code "60 per 1m"}. */
	private static Optional<SourceRules.RateLimit> rateLimit(String text) {
		String[] parts = PER.split(text.trim(), -1);
		if (parts.length != 2 || !parts[0].matches("[1-9][0-9]{0,6}")) {
			return Optional.empty();
		}
		return Durations.parse(parts[1]).map((window) -> new SourceRules.RateLimit(Integer.parseInt(parts[0]), window));
	}

}

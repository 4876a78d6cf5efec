package dev.writ.policy.load;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.request.ParameterSyntax;
import dev.writ.policy.ClaimExpression;
import dev.writ.policy.Binding;
import dev.writ.policy.Condition;
import dev.writ.policy.Durations;
import dev.writ.policy.Grant;
import dev.writ.policy.SubjectMatcher;

/**
 * Compiles the {@code grants:} of policy files against the trust decoded from them: a
 * grant names its subject within one trust source — a SPIFFE trust domain, implied by the
 * SPIFFE ID or pattern, or an OIDC entry named by {@code trust} — and can never reach
 * another source's subjects.
 */
final class GrantCompiler {

	private static final Set<String> GRANT_KEYS = Set.of("id", "description", "trust", "subject", "subject_pattern",
			"actor", "actor_pattern", "actor_trust", "actor_claims", "from_audience", "audience", "scopes", "claims",
			"when", "token_claims", "ttl", "binding", "credential");

	/**
	 * Claims a grant may not set: those Writ sets itself (RFC 7519 §4.1, RFC 9068 §2.2,
	 * RFC 8693 §4), and every claim that some consumer reads as authority or status:
	 * {@code scp} and {@code scopes} (Spring Security's default authority converter reads
	 * {@code scp}), {@code roles}, {@code groups}, {@code entitlements} (RFC 9068
	 * §2.2.3.1, SCIM), {@code role} (PostgREST, Vault), {@code authorities},
	 * {@code permissions}, Keycloak's {@code realm_access} and {@code resource_access},
	 * Entra's {@code wids}, {@code oid} and {@code tid}, the user identity claims a
	 * consumer could take for a person's ({@code email}, {@code upn},
	 * {@code preferred_username}), and RFC 7662 §2.2's {@code active}, {@code token_type}
	 * and {@code username}. A grant's authority is its scopes, nothing else. A list can
	 * never be complete: docs/policies.md says so.
	 */
	static final Set<String> RESERVED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id",
			"scope", "grant", "policy_digest", "subject_source", "subject_issuer", "chain", "cnf", "act", "may_act",
			"azp", "auth_time", "acr", "amr", "typ", "scp", "scopes", "roles", "groups", "entitlements", "authorities",
			"permissions", "active", "token_type", "username", "sid", "nonce", "at_hash", "c_hash", "events",
			"token_use", "status", "role", "wids", "realm_access", "resource_access", "email", "email_verified",
			"preferred_username", "upn", "oid", "tid", "admin", "is_admin");

	private static final Pattern CLAIM_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private final Duration defaultTtl;

	private final Duration maxTtl;

	private final Map<String, String> ids = new HashMap<>();

	GrantCompiler(Duration defaultTtl, Duration maxTtl) {
		this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl cannot be null");
		this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl cannot be null");
	}

	/** Compiles one grant, or records its problems and returns null. */
	@Nullable Grant compile(StrictYaml yaml, Node node, TrustDecoder trust, CredentialDecoder credentials) {
		Map<String, Node> fields = yaml.mapping(node, "a grant", GRANT_KEYS);
		if (fields == null) {
			return null;
		}
		int before = yaml.problemCount();
		boolean issuesCredentials = fields.containsKey("credential");
		for (String required : issuesCredentials ? List.of("id", "audience") : List.of("id", "audience", "scopes")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "a grant needs " + required);
			}
		}
		if (issuesCredentials) {
			// What the credential may do is its credential block, nothing else.
			for (String key : List.of("scopes", "token_claims")) {
				if (fields.containsKey(key)) {
					yaml.problem(fields.get(key), "a grant with credential has no " + key
							+ ": its credential says what the credential may do");
				}
			}
		}
		if (fields.containsKey("subject") == fields.containsKey("subject_pattern")) {
			yaml.problem(node, "a grant needs exactly one of subject and subject_pattern");
		}
		Node idNode = fields.get("id");
		String id = (idNode != null) ? yaml.string(idNode, "id") : null;
		if (idNode != null && id != null) {
			if (!ID.matcher(id).matches()) {
				yaml.problem(idNode, "id must be 1-64 letters, digits, '.', '_' or '-'");
			}
			else if (this.ids.putIfAbsent(id, yaml.where(node)) != null) {
				yaml.problem(idNode, "grant id '" + id + "' is already used at " + this.ids.get(id));
			}
		}
		if (fields.containsKey("description")) {
			yaml.string(fields.get("description"), "description");
		}
		SubjectMatcher subject = SubjectDecoder.decode(yaml, fields, trust);
		boolean delegates = fields.containsKey("actor") || fields.containsKey("actor_pattern");
		if (fields.containsKey("actor") && fields.containsKey("actor_pattern")) {
			yaml.problem(node, "a grant names at most one of actor and actor_pattern");
		}
		else if (!delegates) {
			for (String key : List.of("actor_trust", "actor_claims")) {
				if (fields.containsKey(key)) {
					yaml.problem(StrictYaml.at(fields, key, node), key + " needs actor or actor_pattern");
				}
			}
		}
		SubjectMatcher actorMatcher = delegates ? SubjectDecoder.decode(yaml, fields, trust, "actor", "actor_trust")
				: null;
		Map<String, Set<String>> actorPins = pins(yaml, fields.get("actor_claims"));
		Node audienceNode = fields.get("audience");
		String audience = (audienceNode != null) ? yaml.string(audienceNode, "audience") : null;
		if (audienceNode != null && audience != null && !ParameterSyntax.isAudience(audience)) {
			yaml.problem(audienceNode, "audience must be printable ASCII without spaces");
		}
		Optional<String> fromAudience = Optional.empty();
		Node fromNode = fields.get("from_audience");
		if (fromNode != null) {
			String from = yaml.string(fromNode, "from_audience");
			if (from != null && !ParameterSyntax.isAudience(from)) {
				yaml.problem(fromNode, "from_audience must be printable ASCII without spaces");
			}
			fromAudience = Optional.ofNullable(from);
			if (!delegates) {
				// Each hop names who acts: a hop without one would keep the previous
				// actor outermost in act, as though it had acted again.
				yaml.problem(fromNode, "a grant with from_audience names who acts: actor or actor_pattern");
			}
		}
		Set<String> scopes = issuesCredentials ? Set.of() : scopes(yaml, fields);
		Grant.Credential credential = issuesCredentials
				? credentials.credential(yaml, StrictYaml.at(fields, "credential", node), audience) : null;
		Map<String, Set<String>> pins = pins(yaml, fields.get("claims"));
		Optional<Condition> when = Optional.empty();
		if (fields.containsKey("when")) {
			String text = yaml.string(fields.get("when"), "when");
			if (text != null) {
				try {
					when = Optional.of(Condition.compile(text));
				}
				catch (IllegalArgumentException ex) {
					yaml.problem(fields.get("when"), "when is not a valid condition: " + ex.getMessage());
				}
			}
		}
		Map<String, ClaimExpression> tokenClaims = tokenClaims(yaml, fields.get("token_claims"));
		Duration ttl = ttl(yaml, fields);
		Binding binding = GrantChecks.binding(yaml, fields.get("binding"));
		GrantChecks.parties(yaml, node, fields, delegates, fromAudience.isPresent(), when, tokenClaims);
		if (subject != null) {
			// A tenant claim is the issuer's word: one that a grant wrote into
			// a Writ token would meet a later hop's guardrail with Writ's data.
			for (String name : tokenClaims.keySet()) {
				if (trust.policy(subject.source()).tenantClaims().contains(name)) {
					yaml.problem(StrictYaml.at(fields, "token_claims", node), "token claim " + name
							+ " is a tenant claim of " + subject.source() + ", which only its issuer may set");
				}
			}
		}
		if (subject != null && id != null) {
			GrantChecks.guardrail(yaml, node, fields, id, subject, pins, when.map(TenantPins::of).orElse(Set.of()),
					trust.policy(subject.source()), "claims");
		}
		if (actorMatcher != null && id != null) {
			GrantChecks.guardrail(yaml, node, fields, id, actorMatcher, actorPins,
					when.map(TenantPins::ofActor).orElse(Set.of()), trust.policy(actorMatcher.source()),
					"actor_claims");
		}
		if (yaml.problemCount() > before || id == null || subject == null || audience == null || scopes == null
				|| ttl == null || (delegates && actorMatcher == null) || (issuesCredentials && credential == null)) {
			return null;
		}
		Optional<Grant.Actor> actor = Optional.ofNullable(actorMatcher)
			.map((matcher) -> new Grant.Actor(matcher, actorPins));
		return new Grant(id, subject, fromAudience, audience, scopes, pins, actor, when, tokenClaims, ttl,
				(binding != null) ? binding : Binding.OPTIONAL, Optional.ofNullable(credential), yaml.where(node));
	}

	static Map<String, Set<String>> pins(StrictYaml yaml, @Nullable Node node) {
		Map<String, Set<String>> pins = new LinkedHashMap<>();
		if (node == null) {
			return pins;
		}
		if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode mapping)) {
			yaml.problem(node, "claims must map claim names to a value or a list of values");
			return pins;
		}
		for (var tuple : mapping.getValue()) {
			String name = yaml.string(tuple.getKeyNode(), "a claim name");
			Node value = tuple.getValueNode();
			List<String> values = (value instanceof org.yaml.snakeyaml.nodes.ScalarNode)
					? Optional.ofNullable(yaml.string(value, "claim " + name)).map(List::of).orElse(null)
					: yaml.strings(value, "claim " + name);
			if (name != null && values != null) {
				if (values.isEmpty()) {
					yaml.problem(value, "claim " + name + " needs at least one value");
				}
				pins.put(name, new LinkedHashSet<>(values));
			}
		}
		return pins;
	}

	private static Map<String, ClaimExpression> tokenClaims(StrictYaml yaml, @Nullable Node node) {
		Map<String, ClaimExpression> claims = new LinkedHashMap<>();
		if (node == null) {
			return claims;
		}
		if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode mapping)) {
			yaml.problem(node, "token_claims must map claim names to expressions");
			return claims;
		}
		for (var tuple : mapping.getValue()) {
			String name = yaml.string(tuple.getKeyNode(), "a token claim name");
			String text = yaml.string(tuple.getValueNode(), "a token claim expression");
			if (name == null || text == null) {
				continue;
			}
			if (RESERVED_CLAIMS.contains(name)) {
				yaml.problem(tuple.getKeyNode(), "token claim " + name + " is set by Writ and cannot be granted");
				continue;
			}
			if (!CLAIM_NAME.matcher(name).matches()) {
				yaml.problem(tuple.getKeyNode(), "token claim names are lowercase letters, digits and '_'");
				continue;
			}
			try {
				claims.put(name, ClaimExpression.compile(text));
			}
			catch (IllegalArgumentException ex) {
				yaml.problem(tuple.getValueNode(),
						"token claim " + name + " is not a valid expression: " + ex.getMessage());
			}
		}
		return claims;
	}

	private static @Nullable Set<String> scopes(StrictYaml yaml, Map<String, Node> fields) {
		if (!fields.containsKey("scopes")) {
			return null;
		}
		List<String> values = yaml.strings(fields.get("scopes"), "scopes");
		if (values == null) {
			return null;
		}
		Set<String> scopes = new LinkedHashSet<>();
		for (String scope : values) {
			if (!ParameterSyntax.isScopeToken(scope)) {
				yaml.problem(fields.get("scopes"), "scope '" + scope + "' is not an RFC 6749 scope token");
				return null;
			}
			if (!scopes.add(scope)) {
				yaml.problem(fields.get("scopes"), "scope '" + scope + "' is listed twice");
				return null;
			}
		}
		return scopes;
	}

	private @Nullable Duration ttl(StrictYaml yaml, Map<String, Node> fields) {
		if (!fields.containsKey("ttl")) {
			return this.defaultTtl;
		}
		String value = yaml.string(fields.get("ttl"), "ttl");
		if (value == null) {
			return null;
		}
		Duration ttl = Durations.parse(value).orElse(null);
		if (ttl == null) {
			yaml.problem(fields.get("ttl"), "ttl must be a whole number of s, m or h, such as 5m");
			return null;
		}
		if (ttl.compareTo(this.maxTtl) > 0) {
			yaml.problem(fields.get("ttl"), "ttl " + value + " exceeds the server's cap of " + this.maxTtl.toSeconds()
					+ "s (writ.token.max-ttl)");
			return null;
		}
		return ttl;
	}

}

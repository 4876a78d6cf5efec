package dev.writ.policy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.request.ParameterSyntax;
import dev.writ.trust.SpiffeIds;

/**
 * Compiles the {@code grants:} of policy files against the trust decoded from them: a grant names its subject within
 * one trust source — a SPIFFE trust domain, implied by the SPIFFE ID or pattern, or an OIDC entry named by
 * {@code trust} — and can never reach another source's subjects.
 */
final class GrantCompiler {

	private static final Set<String> GRANT_KEYS = Set.of("id", "description", "trust", "subject", "subject_pattern",
			"audience", "scopes", "ttl");

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private static final Pattern SPIFFE_PREFIX = Pattern.compile("spiffe://([^/]+)/.*", Pattern.DOTALL);

	private final Duration defaultTtl;

	private final Duration maxTtl;

	private final Map<String, String> ids = new HashMap<>();

	GrantCompiler(Duration defaultTtl, Duration maxTtl) {
		this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl cannot be null");
		this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl cannot be null");
	}

	/** Compiles one grant, or records its problems and returns null. */
	Grant compile(StrictYaml yaml, Node node, TrustDecoder trust) {
		Map<String, Node> fields = yaml.mapping(node, "a grant", GRANT_KEYS);
		if (fields == null) {
			return null;
		}
		int before = yaml.problemCount();
		for (String required : List.of("id", "audience", "scopes")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "a grant needs " + required);
			}
		}
		if (fields.containsKey("subject") == fields.containsKey("subject_pattern")) {
			yaml.problem(node, "a grant needs exactly one of subject and subject_pattern");
		}
		String id = fields.containsKey("id") ? yaml.string(fields.get("id"), "id") : null;
		if (id != null && !ID.matcher(id).matches()) {
			yaml.problem(fields.get("id"), "id must be 1-64 letters, digits, '.', '_' or '-'");
		}
		else if (id != null && this.ids.putIfAbsent(id, yaml.where(node)) != null) {
			yaml.problem(fields.get("id"), "grant id '" + id + "' is already used at " + this.ids.get(id));
		}
		if (fields.containsKey("description")) {
			yaml.string(fields.get("description"), "description");
		}
		SubjectMatcher subject = subject(yaml, fields, trust);
		String audience = fields.containsKey("audience") ? yaml.string(fields.get("audience"), "audience") : null;
		if (audience != null && !ParameterSyntax.isAudience(audience)) {
			yaml.problem(fields.get("audience"), "audience must be printable ASCII without spaces");
		}
		Set<String> scopes = scopes(yaml, fields);
		Duration ttl = ttl(yaml, fields);
		if (yaml.problemCount() > before || id == null || subject == null || audience == null || scopes == null
				|| ttl == null) {
			return null;
		}
		return new Grant(id, subject, audience, scopes, ttl, yaml.where(node));
	}

	private static SubjectMatcher subject(StrictYaml yaml, Map<String, Node> fields, TrustDecoder trust) {
		boolean exact = fields.containsKey("subject");
		if (exact == fields.containsKey("subject_pattern")) {
			return null;
		}
		Node node = fields.get(exact ? "subject" : "subject_pattern");
		String value = yaml.string(node, exact ? "subject" : "subject_pattern");
		if (value == null) {
			return null;
		}
		String source;
		if (fields.containsKey("trust")) {
			String name = yaml.string(fields.get("trust"), "trust");
			if (name == null) {
				return null;
			}
			if (!trust.hasOidc(name)) {
				yaml.problem(fields.get("trust"), "trust '" + name + "' names no oidc entry");
				return null;
			}
			source = name;
		}
		else {
			source = spiffeSource(yaml, node, value, exact, trust);
			if (source == null) {
				return null;
			}
		}
		if (exact) {
			return new SubjectMatcher.Exact(source, value);
		}
		try {
			return new SubjectMatcher.Anchored(source, Pattern.compile(value));
		}
		catch (PatternSyntaxException ex) {
			yaml.problem(node, "subject_pattern is not a valid regular expression: " + ex.getDescription());
			return null;
		}
	}

	// Without 'trust', a grant is for a SPIFFE trust domain, which its subject or pattern prefix must name.
	private static String spiffeSource(StrictYaml yaml, Node node, String value, boolean exact, TrustDecoder trust) {
		TrustDomain domain;
		if (exact) {
			try {
				SpiffeId id = SpiffeIds.parseId(value);
				domain = id.getTrustDomain();
			}
			catch (IllegalArgumentException ex) {
				yaml.problem(node, "subject is not a SPIFFE ID (" + ex.getMessage() + "); an OIDC subject needs trust: <oidc name>");
				return null;
			}
		}
		else {
			Matcher prefix = SPIFFE_PREFIX.matcher(value);
			domain = null;
			if (prefix.matches()) {
				try {
					domain = SpiffeIds.parseTrustDomain(prefix.group(1).replace("\\.", "."));
				}
				catch (IllegalArgumentException ex) {
					domain = null;
				}
			}
			if (domain == null) {
				yaml.problem(node, "subject_pattern must begin with spiffe://<trust domain>/ naming a trusted trust domain, "
						+ "or the grant needs trust: <oidc name>");
				return null;
			}
		}
		if (!trust.trustDomains().contains(domain)) {
			yaml.problem(node, "subject is in trust domain " + domain.getName() + ", which no spiffe entry trusts");
			return null;
		}
		return domain.toIdString();
	}

	private static Set<String> scopes(StrictYaml yaml, Map<String, Node> fields) {
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

	private Duration ttl(StrictYaml yaml, Map<String, Node> fields) {
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

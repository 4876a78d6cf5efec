package dev.writ.policy.load;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.policy.SubjectMatcher;
import dev.writ.trust.SpiffeIds;

/**
 * Decodes whom a grant is for: an exact subject or an anchored pattern, within one trust
 * source.
 */
final class SubjectDecoder {

	private static final Pattern SPIFFE_PREFIX = Pattern.compile("spiffe://([^/]+)/.*", Pattern.DOTALL);

	private SubjectDecoder() {
	}

	/**
	 * The grant's {@code subject} or {@code subject_pattern}, within the trust source it
	 * names ({@code trust}) or, for a SPIFFE ID, implies; null with its problem recorded,
	 * or with none when another problem already covers it.
	 */
	static @Nullable SubjectMatcher decode(StrictYaml yaml, Map<String, Node> fields, TrustDecoder trust) {
		return decode(yaml, fields, trust, "subject", "trust");
	}

	/**
	 * A party named as a subject is: {@code <name>} or {@code <name>_pattern}, within the
	 * trust source that {@code trustKey} names or a SPIFFE ID implies ({@code actor},
	 * {@code actor_pattern} and {@code actor_trust} for who may act for the subject).
	 */
	static @Nullable SubjectMatcher decode(StrictYaml yaml, Map<String, Node> fields, TrustDecoder trust, String name,
			String trustKey) {
		boolean exact = fields.containsKey(name);
		if (exact == fields.containsKey(name + "_pattern")) {
			return null;
		}
		String key = exact ? name : name + "_pattern";
		// Present: exactly one of the two keys is, checked above.
		Node node = Objects.requireNonNull(fields.get(key));
		String value = yaml.string(node, key);
		if (value == null) {
			return null;
		}
		String source;
		if (fields.containsKey(trustKey)) {
			String entry = yaml.string(fields.get(trustKey), trustKey);
			if (entry == null) {
				return null;
			}
			if (!trust.hasOidc(entry)) {
				if (!trust.refused(entry)) {
					yaml.problem(fields.get(trustKey), trustKey + " '" + entry + "' names no oidc entry");
				}
				return null;
			}
			source = entry;
		}
		else {
			source = spiffeSource(yaml, node, value, exact, trust, key, trustKey);
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
			yaml.problem(node, key + " is not a valid regular expression: " + ex.getDescription());
			return null;
		}
	}

	// Without 'trust', a grant is for a SPIFFE trust domain, which its subject or pattern
	// prefix must name.
	private static @Nullable String spiffeSource(StrictYaml yaml, Node node, String value, boolean exact,
			TrustDecoder trust, String key, String trustKey) {
		@Nullable TrustDomain domain;
		if (exact) {
			try {
				SpiffeId id = SpiffeIds.parseId(value);
				domain = id.getTrustDomain();
			}
			catch (IllegalArgumentException ex) {
				yaml.problem(node, key + " is not a SPIFFE ID (" + ex.getMessage() + "); an OIDC "
						+ key.replace("_pattern", "") + " needs " + trustKey + ": <oidc name>");
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
				yaml.problem(node, key + " must begin with spiffe://<trust domain>/ naming a trusted trust domain, "
						+ "or the grant needs " + trustKey + ": <oidc name>");
				return null;
			}
		}
		if (!trust.trustDomains().contains(domain)) {
			if (!trust.refused(domain.toIdString())) {
				yaml.problem(node, key.replace("_pattern", "") + " is in trust domain " + domain.getName()
						+ ", which no spiffe entry trusts");
			}
			return null;
		}
		return domain.toIdString();
	}

}

package dev.writ.policy;

import java.util.Objects;
import java.util.regex.Pattern;

import io.spiffe.spiffeid.TrustDomain;

/**
 * Matches a grant's subject: exactly, or by a regular expression anchored at both ends. A pattern is confined to
 * one trust domain: the subject must also begin, literally, with {@code spiffe://<trust domain>/}, so a {@code .}
 * in the pattern's trust domain can never match another domain.
 */
sealed interface SubjectMatcher {

	/** Whether the subject matches. */
	boolean matches(String subject);

	/** The trust domain every matching subject belongs to. */
	TrustDomain trustDomain();

	/** A subject equal to this one, character for character. */
	record Exact(String subject, TrustDomain trustDomain) implements SubjectMatcher {

		public Exact {
			Objects.requireNonNull(subject, "subject cannot be null");
			Objects.requireNonNull(trustDomain, "trustDomain cannot be null");
		}

		@Override
		public boolean matches(String candidate) {
			return this.subject.equals(candidate);
		}

	}

	/** A subject of the trust domain that the whole pattern matches. */
	record Anchored(Pattern pattern, TrustDomain trustDomain) implements SubjectMatcher {

		public Anchored {
			Objects.requireNonNull(pattern, "pattern cannot be null");
			Objects.requireNonNull(trustDomain, "trustDomain cannot be null");
		}

		@Override
		public boolean matches(String candidate) {
			// Pattern.matches is anchored at both ends; the prefix check confines the pattern to its domain.
			return candidate.startsWith(this.trustDomain.toIdString() + "/") && this.pattern.matcher(candidate).matches();
		}

	}

}

package dev.writ.policy;

import java.util.Objects;
import java.util.regex.Pattern;

import dev.writ.trust.VerifiedSubject;

/**
 * Matches a grant's subject within one trust source: exactly, or by a regular expression anchored at both ends. The
 * subject must come from the grant's source, so a grant for one issuer or trust domain can never match another's
 * subjects, whatever its pattern says.
 */
sealed interface SubjectMatcher {

	/** The trust source every matching subject comes from. */
	String source();

	/** Whether the verified subject matches. */
	boolean matches(VerifiedSubject subject);

	/** A subject equal to this one, character for character. */
	record Exact(String source, String subject) implements SubjectMatcher {

		public Exact {
			Objects.requireNonNull(source, "source cannot be null");
			Objects.requireNonNull(subject, "subject cannot be null");
		}

		@Override
		public boolean matches(VerifiedSubject candidate) {
			return this.source.equals(candidate.trustSource()) && this.subject.equals(candidate.subject());
		}

	}

	/** A subject the whole pattern matches ({@link java.util.regex.Matcher#matches} is anchored at both ends). */
	record Anchored(String source, Pattern pattern) implements SubjectMatcher {

		public Anchored {
			Objects.requireNonNull(source, "source cannot be null");
			Objects.requireNonNull(pattern, "pattern cannot be null");
		}

		@Override
		public boolean matches(VerifiedSubject candidate) {
			return this.source.equals(candidate.trustSource()) && this.pattern.matcher(candidate.subject()).matches();
		}

	}

}

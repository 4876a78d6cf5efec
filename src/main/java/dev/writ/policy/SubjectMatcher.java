package dev.writ.policy;

import java.util.Objects;
import java.util.regex.Pattern;

import dev.writ.trust.VerifiedSubject;

/**
 * Matches a grant's subject within one trust source: exactly, or by a regular expression
 * anchored at both ends. The subject must come from the grant's source, so a grant for
 * one issuer or trust domain can never match another's subjects, whatever its pattern
 * says.
 */
public sealed interface SubjectMatcher {

	/** The trust source every matching subject comes from. */
	String source();

	/** Whether the verified subject matches. */
	boolean matches(VerifiedSubject subject);

	/**
	 * Why the verified subject does not match, for explanations; only asked when it does
	 * not.
	 */
	default String mismatch(VerifiedSubject subject) {
		return "subject or source does not match";
	}

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

	/**
	 * A subject the whole pattern matches ({@link java.util.regex.Matcher#matches} is
	 * anchored at both ends), within {@link BoundedMatch}'s bound on the work one match
	 * may do: a runaway pattern does not match.
	 */
	record Anchored(String source, Pattern pattern, LiteralBounds bounds) implements SubjectMatcher {

		public Anchored {
			Objects.requireNonNull(source, "source cannot be null");
			Objects.requireNonNull(pattern, "pattern cannot be null");
			Objects.requireNonNull(bounds, "bounds cannot be null");
		}

		public Anchored(String source, Pattern pattern) {
			this(source, pattern, LiteralBounds.of(pattern.pattern()));
		}

		@Override
		public boolean matches(VerifiedSubject candidate) {
			return this.source.equals(candidate.trustSource()) && this.bounds.mayMatch(candidate.subject())
					&& BoundedMatch.matches(this.pattern, candidate.subject());
		}

		@Override
		public String mismatch(VerifiedSubject candidate) {
			if (this.source.equals(candidate.trustSource()) && this.bounds.mayMatch(candidate.subject())
					&& BoundedMatch.outcome(this.pattern, candidate.subject()) == BoundedMatch.Outcome.GAVE_UP) {
				return "subject_pattern gave up after reading " + BoundedMatch.MAX_READS
						+ " characters of the subject: "
						+ "the pattern backtracks too much (nested repetition such as (.*a){12} or (a+)+); simplify it";
			}
			return SubjectMatcher.super.mismatch(candidate);
		}

	}

}

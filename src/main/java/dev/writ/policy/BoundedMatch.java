package dev.writ.policy;

import java.util.regex.Pattern;

/**
 * Runs an admin's regular expression against a subject with a bound on the work it may
 * do. Java's engine backtracks, and some patterns ({@code (.*a){12}$}) take time
 * polynomial or exponential in the subject; the subject comes from a verified token, so a
 * workload could otherwise pick one that stalls its exchange. The subject is read through
 * a {@link CharSequence} that counts every character the engine reads and gives up past
 * {@link #MAX_READS}: ordinary anchored patterns read a subject a few times, far below
 * the bound, at the speed of the JDK's engine; a runaway pattern is cut off within a
 * fraction of a millisecond, and counts as not matching — a grant that does not match
 * only ever denies.
 */
final class BoundedMatch {

	/**
	 * The most characters one match may read: about 50 passes over the longest SPIFFE ID.
	 */
	static final int MAX_READS = 100_000;

	private BoundedMatch() {
	}

	/**
	 * Whether {@code pattern} matches the whole {@code subject}; false, too, when the
	 * match ran past the bound.
	 */
	static boolean matches(Pattern pattern, String subject) {
		return outcome(pattern, subject) == Outcome.MATCH;
	}

	/** What came of matching {@code pattern} against the whole {@code subject}. */
	static Outcome outcome(Pattern pattern, String subject) {
		try {
			return pattern.matcher(new Counted(subject, 0, subject.length(), new int[] { MAX_READS })).matches()
					? Outcome.MATCH : Outcome.NO_MATCH;
		}
		catch (GaveUp ex) {
			return Outcome.GAVE_UP;
		}
	}

	enum Outcome {

		MATCH, NO_MATCH, GAVE_UP

	}

	// The budget is one counter shared by a text and its subsequences: an array, on
	// purpose.
	@SuppressWarnings("ArrayRecordComponent")
	private record Counted(String text, int start, int end, int[] budget) implements CharSequence {

		@Override
		public int length() {
			return this.end - this.start;
		}

		@Override
		public char charAt(int index) {
			if (--this.budget[0] < 0) {
				throw GaveUp.INSTANCE;
			}
			return this.text.charAt(this.start + index);
		}

		@Override
		public CharSequence subSequence(int from, int to) {
			return new Counted(this.text, this.start + from, this.start + to, this.budget);
		}

		@Override
		public String toString() {
			return this.text.substring(this.start, this.end);
		}

	}

	private static final class GaveUp extends RuntimeException {

		private static final long serialVersionUID = 1L;

		// Stackless and without suppression, thrown on a hot path: one instance serves,
		// and carries nothing.
		@SuppressWarnings("StaticAssignmentOfThrowable")
		static final GaveUp INSTANCE = new GaveUp();

		private GaveUp() {
			super("a subject pattern read past its bound", null, false, false);
		}

	}

}

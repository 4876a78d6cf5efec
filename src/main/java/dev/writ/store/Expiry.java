package dev.writ.store;

import java.time.Duration;

/**
 * How long an entry is kept, the same in both stores: at least a millisecond, and at most
 * {@link #LONGEST}, however far off the time asked for. Saturating rather than
 * overflowing: a replay entry asked to live until the year 292,000,000 lives a year,
 * instead of being born expired ({@code now + ttl} wrapping around) or failing the
 * exchange.
 */
public final class Expiry {

	/**
	 * Longer than anything Writ keeps: subject tokens, issued tokens and revocations live
	 * hours, at most weeks.
	 */
	public static final Duration LONGEST = Duration.ofDays(366);

	private Expiry() {
	}

	/** {@code ttl} in milliseconds, between 1 and {@link #LONGEST}. */
	public static long millis(Duration ttl) {
		if (ttl.isNegative() || ttl.isZero()) {
			return 1;
		}
		return (ttl.compareTo(LONGEST) > 0) ? LONGEST.toMillis() : Math.max(1, ttl.toMillis());
	}

}

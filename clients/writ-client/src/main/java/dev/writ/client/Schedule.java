package dev.writ.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When {@link TokenCache} refreshes a token, stops handing it out, and tries again after
 * a failure: the schedule on its own, with no state.
 */
final class Schedule {

	static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	private static final long MAX_MARGIN = Duration.ofSeconds(30).toNanos();

	private Schedule() {
	}

	/**
	 * A token held: refreshed from between 60% and 75% of its life (jittered, so that a
	 * fleet started together does not refresh together), no longer handed out in its last
	 * tenth (at most 30 s).
	 */
	record Held(AccessToken token, long refreshAt, long usableUntil) {

		static Held of(TokenEndpoint.Received received) {
			long life = received.lifetimeNanos();
			long refreshAt = received.sentNanos() + (long) (life * ThreadLocalRandom.current().nextDouble(0.60, 0.75));
			long usableUntil = received.sentNanos() + life - Math.min(life / 10, MAX_MARGIN);
			return new Held(received.token(), refreshAt, usableUntil);
		}

	}

	/**
	 * How long after the n-th failure in a row the next exchange waits: the backoff, or
	 * longer if Writ asked.
	 */
	static Duration nextTry(WritClientException failure, int failures) {
		Duration backoff = backoff(failures);
		Duration asked = failure.retryAfter().orElse(Duration.ZERO);
		return (asked.compareTo(backoff) > 0) ? asked : backoff;
	}

	/**
	 * 1 s, 2 s, 4 s, ... up to 30 s after the n-th failure in a row, each between half
	 * and all of it.
	 */
	static Duration backoff(int failures) {
		long full = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(failures - 1, 16));
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(full / 2, full + 1));
	}

}

package dev.writ.trust;

import java.time.Instant;
import java.util.Optional;

/**
 * The state of one trust source's keys.
 *
 * @param state the state
 * @param lastSuccess when keys were last obtained, if ever
 * @param lastError the last failure to obtain them, if the last attempt failed; never a
 * key or token
 */
public record SourceHealth(State state, Optional<Instant> lastSuccess, Optional<String> lastError) {

	/** The states of a source's keys. */
	public enum State {

		/** Keys are current. */
		UP,

		/**
		 * Refreshing fails, but the last good keys are still within the outage bound and
		 * in use.
		 */
		STALE,

		/** No usable keys: tokens of this source are refused. */
		DOWN,

		/** Keys have not been asked for yet. */
		UNKNOWN

	}

	/** A source whose keys are fixed and present. */
	public static SourceHealth up(Instant since) {
		return new SourceHealth(State.UP, Optional.of(since), Optional.empty());
	}

}

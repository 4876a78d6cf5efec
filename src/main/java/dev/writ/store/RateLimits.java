package dev.writ.store;

import java.time.Duration;
import java.util.Optional;

/** Sliding-window rate limits, counted across every Writ node. */
@FunctionalInterface
public interface RateLimits {

	/**
	 * Counts one request against a limit.
	 * @param key what is limited, such as a subject
	 * @param limit how many requests the window allows
	 * @param window the window
	 * @return empty when the request is allowed (and counted); else how long until it
	 * would be
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	Optional<Duration> acquire(String key, int limit, Duration window);

}

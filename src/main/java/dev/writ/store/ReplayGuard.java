package dev.writ.store;

import java.time.Duration;

/**
 * Remembers what was used, so a one-time token is exchanged at most once across every
 * Writ node.
 */
public interface ReplayGuard {

	/**
	 * Records a use, atomically ({@code SET key 1 NX PX ttl}).
	 * @param key what was used, such as a token's issuer and {@code jti}
	 * @param ttl how long to remember it: until the token can no longer be used anyway
	 * @return true the first time, false on every later use within {@code ttl}
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	boolean firstUse(String key, Duration ttl);

	/**
	 * Whether a use is recorded, without recording one: a cheap look before the work an
	 * exchange does ahead of {@link #firstUse}, which alone decides.
	 * @param key what may have been used
	 * @return true if it was, within its ttl
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	boolean used(String key);

}

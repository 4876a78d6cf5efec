package dev.writ.store;

/**
 * Everything Writ shares between nodes (burns, revocations, limits, credential leases);
 * one implementation in memory (one node), one on Redis (a fleet).
 */
public interface Store extends ReplayGuard, Revocations, RateLimits, Leases {

	/** A short name for logs and health: {@code memory} or {@code redis}. */
	String kind();

	/**
	 * Whether the store answers now.
	 * @throws StoreUnavailableException saying why not
	 */
	void ping();

}

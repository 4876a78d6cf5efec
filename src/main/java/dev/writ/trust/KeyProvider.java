package dev.writ.trust;

import org.jspecify.annotations.Nullable;

/**
 * Where a trust source's keys come from: a file read once, a URL fetched and refreshed, a
 * SPIFFE Workload API stream. One method to get keys, one to report health.
 */
public interface KeyProvider {

	/**
	 * The keys in force. When {@code kid} is not among them, a provider that can refresh
	 * may do so first, at most once per its minimum interval.
	 * @param kid the {@code kid} the token names; null to look for none (the X.509
	 * authorities a client certificate chains to), which never refreshes
	 * @return the keys, never null
	 * @throws KeysUnavailableException when there are no keys that may still be used
	 * (never fetched, or stale beyond the outage bound): the source fails closed
	 */
	KeySet keys(@Nullable String kid);

	/** How the provider is doing, for health and metrics. */
	SourceHealth health();

}

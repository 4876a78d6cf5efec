package dev.writ.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Revocations held until the tokens they cover expire. Each entry is a number — for a
 * token, its expiry; for a subject or a grant, the second up to which every token issued
 * is revoked — and a later revocation of the same key only ever raises it.
 */
public interface Revocations {

	/**
	 * Revokes, keeping the larger value if the key is revoked already, and extending how
	 * long it is held.
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	void revoke(String key, long value, Duration ttl);

	/**
	 * The values of those keys that are revoked.
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	Map<String, Long> lookup(List<String> keys);

}

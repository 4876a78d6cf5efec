package dev.writ.store;

import java.util.List;
import java.util.Optional;

/**
 * The leases of just-in-time credentials, shared by every node so that any node can
 * revoke one and every node's reaper removes the due ones. A lease is kept until it is
 * forgotten — after its credential was removed from its target — however long past its
 * expiry: a lease that vanished on its own would leave its credential behind.
 */
public interface Leases {

	/** The most leases a store keeps; past it, new credentials are refused. */
	int MAX_LEASES = 100_000;

	/**
	 * Records a lease, or replaces the one with its id.
	 * @throws StoreUnavailableException when the store cannot answer, or holds
	 * {@link #MAX_LEASES} already
	 */
	void recordLease(Lease lease);

	/**
	 * Every lease recorded, in no order.
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	List<Lease> leases();

	/**
	 * The lease of that id, if one is recorded.
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	Optional<Lease> lease(String id);

	/**
	 * How many recorded leases the last {@link #leases()} could not read (a store shared
	 * with a newer Writ, a value written by hand): their users are never taken for ones
	 * no lease names.
	 */
	default int unreadable() {
		return 0;
	}

	/**
	 * Forgets a lease whose credential is gone from its target.
	 * @throws StoreUnavailableException when the store cannot answer
	 */
	void forgetLease(String id);

}

package dev.writ.credentials;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.audit.LogText;
import dev.writ.policy.CredentialTarget;
import dev.writ.policy.PolicySet;
import dev.writ.store.Lease;
import dev.writ.store.Leases;
import dev.writ.store.StoreUnavailableException;

/**
 * Removes credentials whose leases are due — expired, or revoked early — from their
 * targets, then forgets the leases. Every node runs one; each removal is idempotent, so
 * two nodes removing the same user at once do no harm, and a node that died leaves its
 * leases to the others. A lease whose target cannot be reached stays, and is tried again
 * next round.
 * <p>
 * Each round also looks at the targets for users of the shape Writ gives its usernames
 * (the target's prefix, the grant, a random suffix) that no lease names — a lease a
 * failover lost, or a memory store's leases after a restart — and removes those seen so
 * in two rounds running; never a target's admin, never a user any lease names (whichever
 * target it is for), never a user of another shape, and on PostgreSQL only roles Writ
 * marked as its own. The users are listed before the leases are read, and a lease is
 * recorded before its user is created: a user being issued is never taken for one no
 * lease names.
 */
public final class LeaseReaper {

	private static final Logger logger = LoggerFactory.getLogger(LeaseReaper.class);

	private final Leases leases;

	private final Brokers brokers;

	private final Supplier<PolicySet> policies;

	private final Clock clock;

	private Set<String> suspects = Set.of();

	public LeaseReaper(Leases leases, Brokers brokers, Supplier<PolicySet> policies, Clock clock) {
		this.leases = leases;
		this.brokers = brokers;
		this.policies = policies;
		this.clock = clock;
	}

	/**
	 * One round: removes every due credential it can reach, then users no lease names.
	 * @return how many credentials it removed
	 * @throws StoreUnavailableException when the leases cannot be read (nothing removed)
	 */
	public synchronized int reap() {
		Instant now = this.clock.instant();
		Map<String, CredentialTarget> targets = targets();
		// A target that cannot be reached is left for the next round: one down target
		// holds up no other. A user it refuses to remove fails its own lease only.
		Set<String> unreachable = new HashSet<>();
		int removed = 0;
		for (Lease lease : this.leases.leases()) {
			if (!lease.due(now) || unreachable.contains(lease.target())) {
				continue;
			}
			CredentialTarget target = targets.get(lease.target());
			if (target == null) {
				logger.warn(
						"Lease {} of user {} is due, but its target {} is no longer in the policies: it stays "
								+ "until the target is back",
						lease.id(), lease.username(), LogText.safe(lease.target()));
				continue;
			}
			Ending ending = end(lease, target, targets);
			if (ending == Ending.ENDED) {
				removed++;
			}
			else if (ending == Ending.UNREACHABLE) {
				unreachable.add(target.id());
			}
		}
		return removed + sweep(targets, unreachable);
	}

	/**
	 * Revokes every lease that {@code which} selects, without waiting for a round in
	 * progress (removing a user twice does no harm): each is marked due at once, then its
	 * credential is removed where its target answers, by the next rounds where not.
	 * @return the ids of the leases revoked
	 * @throws StoreUnavailableException when the leases cannot be read or marked
	 */
	public List<String> revoke(Predicate<Lease> which) {
		Instant now = this.clock.instant();
		Map<String, CredentialTarget> targets = targets();
		List<Lease> revoked = new ArrayList<>();
		// All marked first: a slow target delays no mark.
		for (Lease lease : this.leases.leases()) {
			if (which.test(lease)) {
				Lease due = lease.revokedAt(now);
				this.leases.recordLease(due);
				revoked.add(due);
			}
		}
		Set<String> unreachable = new HashSet<>();
		for (Lease due : revoked) {
			CredentialTarget target = targets.get(due.target());
			if (target != null && !unreachable.contains(target.id())
					&& end(due, target, targets) == Ending.UNREACHABLE) {
				unreachable.add(target.id());
			}
		}
		return revoked.stream().map(Lease::id).toList();
	}

	/** How {@link #end} went. */
	enum Ending {

		/** The user is gone and the lease forgotten. */
		ENDED,

		/** The target refused this user's removal: the lease stays due. */
		REFUSED,

		/** The target could not be reached: the lease stays due. */
		UNREACHABLE

	}

	/**
	 * Removes a lease's user and forgets the lease; where either fails, records the lease
	 * due for a later round. A user of another shape than Writ's, or an admin, is never
	 * removed, whatever a lease says.
	 */
	Ending end(Lease lease, CredentialTarget target, Map<String, CredentialTarget> targets) {
		try {
			if (!Secrets.madeByWrit(target.usernamePrefix(), lease.username())
					|| targets.values().stream().anyMatch((t) -> t.adminUsername().equals(lease.username()))) {
				throw new TargetUnavailableException("target " + target.id() + ": user " + lease.username()
						+ " is not one Writ makes: it is not removed");
			}
			this.brokers.of(target).remove(lease.username());
			this.leases.forgetLease(lease.id());
			return Ending.ENDED;
		}
		catch (RuntimeException ex) {
			logger.warn("Lease {} of user {} could not be ended now ({}); the reaper tries again", lease.id(),
					lease.username(),
					LogText.safe((ex instanceof TargetUnavailableException || ex instanceof StoreUnavailableException)
							? ex.getMessage() : ex.getClass().getName()));
			try {
				this.leases.recordLease(lease);
			}
			catch (StoreUnavailableException unrecorded) {
				// It stays as it was recorded: due at its expiry at the latest.
			}
			return (ex instanceof TargetUnavailableException refused && !refused.unreachable()) ? Ending.REFUSED
					: Ending.UNREACHABLE;
		}
	}

	/**
	 * Records a lease of a user whose creation failed as due, and removes the user now
	 * where the target answers: the lease is kept for the next round all the same, for a
	 * creation that a target completes after Writ gave up on it. The user is the one Writ
	 * has just named itself: no check of its shape, unlike {@link #end}, which takes a
	 * username from the store.
	 * @param reachable whether the target answered (a refusal, not a timeout)
	 */
	void abandon(Lease due, Broker broker, boolean reachable) {
		try {
			this.leases.recordLease(due);
		}
		catch (StoreUnavailableException ex) {
			// It stays as it was recorded: due at its expiry at the latest.
		}
		if (!reachable) {
			return; // the reaper's next round: no second wait on a target that is away
		}
		try {
			broker.remove(due.username());
		}
		catch (RuntimeException ex) {
			// the reaper's next round
		}
	}

	private int sweep(Map<String, CredentialTarget> targets, Set<String> unreachable) {
		if (this.leases.unreadable() > 0) {
			// A lease Writ cannot read may name a live user: no user is taken for an
			// orphan while one is there.
			this.suspects = Set.of();
			return 0;
		}
		// Several targets may share one server (PostgreSQL roles span its databases):
		// no target's admin, and no user any lease names, whichever target it is for.
		Set<String> admins = targets.values().stream().map(CredentialTarget::adminUsername).collect(Collectors.toSet());
		Map<CredentialTarget, List<String>> listed = new java.util.LinkedHashMap<>();
		for (CredentialTarget target : targets.values()) {
			if (unreachable.contains(target.id())) {
				continue;
			}
			try {
				listed.put(target, this.brokers.of(target).usernames(target.usernamePrefix()));
			}
			catch (RuntimeException ex) {
				// next round
			}
		}
		Set<String> orphans = new HashSet<>();
		if (listed.values().stream().anyMatch((names) -> !names.isEmpty())) {
			// Read once, after every target's users were listed: see the class's comment.
			Set<String> leased = this.leases.leases().stream().map(Lease::username).collect(Collectors.toSet());
			if (this.leases.unreadable() > 0) {
				this.suspects = Set.of();
				return 0;
			}
			listed.forEach((target, names) -> {
				for (String name : names) {
					// Never an admin, nor a user whose name Writ did not make.
					if (!leased.contains(name) && !admins.contains(name)
							&& Secrets.madeByWrit(target.usernamePrefix(), name)) {
						orphans.add(target.id() + "\0" + name);
					}
				}
			});
		}
		int removed = 0;
		for (String orphan : orphans) {
			if (!this.suspects.contains(orphan)) {
				continue;
			}
			String[] parts = orphan.split("\0", 2);
			CredentialTarget target = targets.get(parts[0]);
			if (target == null) {
				continue;
			}
			try {
				this.brokers.of(target).remove(parts[1]);
				logger.warn("Removed user {} from target {}: no lease names it", parts[1], parts[0]);
				removed++;
			}
			catch (RuntimeException ex) {
				// next round
			}
		}
		this.suspects = orphans;
		return removed;
	}

	private Map<String, CredentialTarget> targets() {
		return this.policies.get()
			.targets()
			.stream()
			.collect(Collectors.toMap(CredentialTarget::id, (target) -> target));
	}

}

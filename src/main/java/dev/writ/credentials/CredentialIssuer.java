package dev.writ.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.writ.policy.CredentialTarget;
import dev.writ.policy.Grant;
import dev.writ.store.Lease;
import dev.writ.store.Leases;

/**
 * Issues a just-in-time credential for an allowed request: its lease is recorded first,
 * then the user is created at the target. Should the target fail, the lease stays, due at
 * once, and whatever the target may have begun is removed now where it can be and by the
 * reaper's next round, which then forgets the lease. So no user is ever created that no
 * lease names. A target that could not be reached is refused for five seconds on this
 * node.
 */
public final class CredentialIssuer {

	private static final Duration BACK_OFF = Duration.ofSeconds(5);

	private final Leases leases;

	private final Brokers brokers;

	private final LeaseReaper reaper;

	private final Clock clock;

	private final Map<String, Long> refuseUntil = new ConcurrentHashMap<>();

	public CredentialIssuer(Leases leases, Brokers brokers, LeaseReaper reaper, Clock clock) {
		this.leases = leases;
		this.brokers = brokers;
		this.reaper = reaper;
		this.clock = clock;
	}

	/**
	 * Creates a credential for {@code subject} under a grant.
	 * @param credential the grant's target and template
	 * @param grantId the grant
	 * @param subject the workload it is for
	 * @param issuedAt the exchange's instant, which {@code ttl} was capped from
	 * @param ttl how long it lives, already within every cap
	 * @throws TargetUnavailableException when the target did not create it
	 * @throws dev.writ.store.StoreUnavailableException when its lease cannot be recorded
	 * (then nothing was created)
	 */
	public IssuedCredential issue(Grant.Credential credential, String grantId, String subject, Instant issuedAt,
			Duration ttl) {
		CredentialTarget target = credential.target();
		// A target that was just unreachable is not asked again at once: each try
		// would leave a due lease, and hold a request for the whole timeout.
		checkReachable(target);
		Instant expiresAt = issuedAt.plus(ttl);
		String username = Secrets.username(target.usernamePrefix(), grantId);
		Lease lease = new Lease(Secrets.leaseId(), target.id(), username, grantId, subject, issuedAt, expiresAt, false);
		this.leases.recordLease(lease);
		Broker broker = this.brokers.of(target);
		String password = Secrets.password();
		try {
			broker.create(username, password, expiresAt, credential.template());
		}
		catch (RuntimeException ex) {
			boolean unreachable = !(ex instanceof TargetUnavailableException refused) || refused.unreachable();
			if (unreachable) {
				this.refuseUntil.put(target.id(), this.clock.millis() + BACK_OFF.toMillis());
			}
			// The user may exist, or come to (a timeout is only Writ's): removed now
			// where the target answers, and by the reaper, which the lease stays for.
			// A user that existed before is not Writ's: its lease is forgotten, the
			// user left alone.
			if (ex instanceof TargetUnavailableException existed && existed.exists()) {
				this.leases.forgetLease(lease.id());
			}
			else {
				this.reaper.abandon(lease.revokedAt(this.clock.instant()), broker, !unreachable);
			}
			throw (ex instanceof TargetUnavailableException unavailable) ? unavailable : new TargetUnavailableException(
					"target " + target.id() + ": could not create a user (" + ex.getClass().getSimpleName() + ")",
					true);
		}
		// Revoked while it was being created (by an admin, or forgotten by a reaper that
		// took the creation for failed): removed, never answered.
		Lease recorded = this.leases.lease(lease.id()).orElse(null);
		if (recorded == null || recorded.revoked()) {
			this.reaper.abandon(lease.revokedAt(this.clock.instant()), broker, true);
			throw new TargetUnavailableException(
					"target " + target.id() + ": its lease was revoked while the user " + "was created");
		}
		this.refuseUntil.remove(target.id());
		return new IssuedCredential(lease.id(), username, password, issuedAt, expiresAt, target);
	}

	/**
	 * Refuses at once a target that could not be reached in the last five seconds on this
	 * node: each try would hold a request for the whole timeout. Called before a one-time
	 * subject token is burned, too.
	 * @throws TargetUnavailableException when it is being left alone
	 */
	public void checkReachable(CredentialTarget target) {
		this.brokers.checkHost(target);
		Long refusing = this.refuseUntil.get(target.id());
		if (refusing != null && this.clock.millis() < refusing) {
			throw new TargetUnavailableException(
					"target " + target.id() + " could not be reached less than " + BACK_OFF.toSeconds() + " s ago",
					true);
		}
	}

}

package dev.writ.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.writ.policy.Grant;
import dev.writ.store.Lease;
import dev.writ.store.Leases;

/**
 * Issues a just-in-time credential for an allowed request: its lease is recorded first,
 * then the user is created at the target. Should the target fail, the user is removed
 * again and the lease forgotten; should that fail too, the lease stays, due at once, for
 * the reaper. So no user is ever created that no lease names.
 */
public final class CredentialIssuer {

	private final Leases leases;

	private final Brokers brokers;

	private final LeaseReaper reaper;

	private final Clock clock;

	private final Map<String, AtomicLong> issued = new ConcurrentHashMap<>();

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
	 * @param ttl how long it lives, already within every cap
	 * @throws TargetUnavailableException when the target did not create it
	 * @throws dev.writ.store.StoreUnavailableException when its lease cannot be recorded
	 * (then nothing was created)
	 */
	public IssuedCredential issue(Grant.Credential credential, String grantId, String subject, Duration ttl) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(ttl);
		String username = Secrets.username(credential.target().usernamePrefix(), grantId);
		Lease lease = new Lease(Secrets.leaseId(), credential.target().id(), username, grantId, subject, now, expiresAt,
				false);
		this.leases.recordLease(lease);
		Broker broker = this.brokers.of(credential.target());
		String password = Secrets.password();
		try {
			broker.create(username, password, expiresAt, credential.template());
		}
		catch (RuntimeException ex) {
			// The user may exist (a timeout is only Writ's): remove what was begun.
			this.reaper.end(lease.revokedAt(now), broker);
			throw (ex instanceof TargetUnavailableException unavailable) ? unavailable
					: new TargetUnavailableException("target " + credential.target().id()
							+ ": could not create a user (" + ex.getClass().getSimpleName() + ")");
		}
		this.issued.computeIfAbsent(credential.target().id(), (id) -> new AtomicLong()).incrementAndGet();
		return new IssuedCredential(lease.id(), username, password, now, expiresAt, credential.target());
	}

	/** Credentials issued per target by this node since it started. */
	public Map<String, Long> issuedSinceStart() {
		Map<String, Long> counts = new java.util.TreeMap<>();
		this.issued.forEach((target, count) -> counts.put(target, count.get()));
		return counts;
	}

}

package dev.writ.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A just-in-time credential Writ created at a target: whose it is, and when it must be
 * gone. Never the credential itself: only its username.
 *
 * @param id the lease's random id, which admins revoke it by
 * @param target the id of the target that holds the credential
 * @param username the credential's username at the target
 * @param grant the grant that allowed it
 * @param subject the workload it was issued to
 * @param issuedAt when it was issued
 * @param expiresAt when it must be removed from the target at the latest
 * @param revoked whether it was revoked early (then it is due now)
 */
public record Lease(String id, String target, String username, String grant, String subject, Instant issuedAt,
		Instant expiresAt, boolean revoked) {

	public Lease {
		Objects.requireNonNull(id, "id cannot be null");
		Objects.requireNonNull(target, "target cannot be null");
		Objects.requireNonNull(username, "username cannot be null");
		Objects.requireNonNull(grant, "grant cannot be null");
		Objects.requireNonNull(subject, "subject cannot be null");
		Objects.requireNonNull(issuedAt, "issuedAt cannot be null");
		Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
	}

	/** Whether it must be removed from its target now. */
	public boolean due(Instant now) {
		return this.revoked || !this.expiresAt.isAfter(now);
	}

	/** This lease revoked at {@code now}: due at once. */
	public Lease revokedAt(Instant now) {
		return new Lease(this.id, this.target, this.username, this.grant, this.subject, this.issuedAt,
				this.expiresAt.isBefore(now) ? this.expiresAt : now, true);
	}

}

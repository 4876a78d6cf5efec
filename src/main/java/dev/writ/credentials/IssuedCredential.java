package dev.writ.credentials;

import java.time.Instant;
import java.util.Objects;

import dev.writ.policy.CredentialTarget;

/**
 * A credential just created at its target, answered once and kept nowhere: its
 * {@link #toString()} names no password.
 *
 * @param leaseId the lease that removes it
 * @param username its username at the target
 * @param password its password, which Writ does not keep
 * @param issuedAt when it was created
 * @param expiresAt when it stops working
 * @param target the target it is for
 */
public record IssuedCredential(String leaseId, String username, String password, Instant issuedAt, Instant expiresAt,
		CredentialTarget target) {

	public IssuedCredential {
		Objects.requireNonNull(leaseId, "leaseId cannot be null");
		Objects.requireNonNull(username, "username cannot be null");
		Objects.requireNonNull(password, "password cannot be null");
		Objects.requireNonNull(issuedAt, "issuedAt cannot be null");
		Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
		Objects.requireNonNull(target, "target cannot be null");
	}

	@Override
	public String toString() {
		return "IssuedCredential[leaseId=" + this.leaseId + ", username=" + this.username + ", target="
				+ this.target.id() + ", expiresAt=" + this.expiresAt + "]";
	}

}

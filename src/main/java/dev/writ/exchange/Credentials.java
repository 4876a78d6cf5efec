package dev.writ.exchange;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.writ.credentials.CredentialIssuer;
import dev.writ.credentials.IssuedCredential;
import dev.writ.credentials.TargetUnavailableException;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.Decision;
import dev.writ.policy.Grant;
import dev.writ.store.StoreUnavailableException;
import dev.writ.trust.VerifiedSubject;

/**
 * The step of an exchange that issues a just-in-time credential in place of a token, and
 * what its failures answer: a target or store that does not answer is
 * {@code temporarily_unavailable}, with nothing left half-created.
 */
final class Credentials {

	private Credentials() {
	}

	/** Refuses, before any token is burned, a target that was just unreachable. */
	static void checkReachable(@Nullable CredentialIssuer issuer, Grant.Credential credential) {
		if (issuer != null) {
			try {
				issuer.checkReachable(credential.target());
			}
			catch (TargetUnavailableException ex) {
				throw unavailable(ex);
			}
		}
	}

	private static ExchangeException unavailable(TargetUnavailableException ex) {
		return new ExchangeException(ErrorCode.TEMPORARILY_UNAVAILABLE,
				"the credential's target is unavailable; retry later", String.valueOf(ex.getMessage()),
				Duration.ofSeconds(5));
	}

	static IssuedCredential issue(@Nullable CredentialIssuer issuer, Grant.Credential credential, Decision.Allow allow,
			VerifiedSubject subject, Instant now) {
		if (issuer == null) {
			throw new ExchangeException(ErrorCode.INVALID_REQUEST, "this server issues no credentials",
					"a credential grant allowed the request, but no credential issuer is configured");
		}
		try {
			return issuer.issue(credential, allow.grantId(), subject.subject(), now, allow.ttl());
		}
		catch (TargetUnavailableException ex) {
			throw unavailable(ex);
		}
		catch (StoreUnavailableException ex) {
			throw TokenExchangeService.unavailable(ex);
		}
	}

}

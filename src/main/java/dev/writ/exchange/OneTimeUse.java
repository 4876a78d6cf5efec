package dev.writ.exchange;

import java.time.Duration;
import java.time.Instant;

import dev.writ.audit.TokenExchangeEvent;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.store.ReplayGuard;
import dev.writ.store.StoreUnavailableException;
import dev.writ.trust.DpopVerifier;
import dev.writ.trust.VerifiedSubject;

/**
 * What is used once, across the fleet, through the store: a one-time source's subject and
 * actor tokens (remembered while they could verify), and every DPoP proof (remembered for
 * its window). A repeat is refused; store trouble answers 503.
 */
final class OneTimeUse {

	private OneTimeUse() {
	}

	// RFC 8693 §2.2.2: an unacceptable token (here: used before) is an
	// invalid_request.
	static void notUsedYet(ReplayGuard replays, VerifiedSubject subject, TokenExchangeEvent.Builder event,
			String parameter) {
		boolean used;
		try {
			used = replays.used(replayKey(subject));
		}
		catch (StoreUnavailableException ex) {
			throw TokenExchangeService.unavailable(ex);
		}
		if (used) {
			throw replay(subject, event, parameter);
		}
	}

	// The token's jti, or the digest of its payload: never of its signature,
	// which can be re-encoded.
	private static String replayKey(VerifiedSubject subject) {
		return subject.trustSource() + "|" + subject.tokenId();
	}

	private static ExchangeException replay(VerifiedSubject subject, TokenExchangeEvent.Builder event,
			String parameter) {
		event.replay(true);
		// The client learns what to do; the operator also learns the setting that would
		// accept a repeat, and its cost.
		return new ExchangeException(ErrorCode.INVALID_REQUEST,
				parameter + " has already been used: this issuer's "
						+ "tokens are exchanged once each, so present a fresh one for every exchange",
				"replay of a one-time " + parameter.replace('_', ' ') + " of " + subject.trustSource()
						+ " (its trust entry's replay: one-time; "
						+ "replay: reuse would accept the same token again until it expires, so anyone who copies it "
						+ "could exchange it too)");
	}

	static void firstUse(ReplayGuard replays, Duration skew, VerifiedSubject subject, Instant now,
			TokenExchangeEvent.Builder event, String parameter) {
		String key = replayKey(subject);
		// Remembered while the token could still verify: until its expiry
		// plus the clock skew.
		Duration ttl = Duration.between(now, subject.expiresAt().plus(skew));
		boolean first;
		try {
			first = replays.firstUse(key, ttl.isNegative() || ttl.isZero() ? Duration.ofSeconds(1) : ttl);
		}
		catch (StoreUnavailableException ex) {
			throw TokenExchangeService.unavailable(ex);
		}
		if (!first) {
			throw replay(subject, event, parameter);
		}
	}

	/**
	 * RFC 9449 §11.1: a DPoP proof is used once. Its {@code jti} is remembered, under its
	 * key's thumbprint, for as long as its {@code iat} could be accepted, and 5 s more
	 * for nodes whose clocks differ.
	 */
	static void proof(ReplayGuard replays, DpopVerifier.DpopProof proof, Duration window) {
		boolean first;
		try {
			first = replays.firstUse("dpop|" + proof.jkt() + "|" + proof.jti(), window.multipliedBy(2).plusSeconds(5));
		}
		catch (StoreUnavailableException ex) {
			throw TokenExchangeService.unavailable(ex);
		}
		if (!first) {
			throw new ExchangeException(ErrorCode.INVALID_DPOP_PROOF,
					"the DPoP proof has been used before: make a fresh proof for every request",
					"replay of DPoP proof " + proof.jti() + " of key " + proof.jkt());
		}
	}

}

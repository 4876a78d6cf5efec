package dev.writ.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.writ.audit.TokenDigest;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.SourceRules;
import dev.writ.request.ExchangeRequest;
import dev.writ.trust.VerifiedSubject;

/**
 * The actor of a delegated exchange (RFC 8693 §2.1, {@code actor_token}): verified
 * through the same trust sources and checks as a subject token, never the subject token
 * itself nor the subject acting for itself, and, when the subject token carries
 * {@code may_act} (§4.4), the party it names — checked before any policy. Every refusal
 * is {@code invalid_request} (§2.2.2: an actor token that is invalid or unacceptable),
 * and says {@code actor_token} where a subject token's would say {@code subject_token}.
 */
final class Delegation {

	/** Verifies a token of a declared type against the trust in force. */
	interface Verifier {

		VerifiedSubject verify(String token, String tokenType);

	}

	private Delegation() {
	}

	/** The verified actor of a request that carries an {@code actor_token}. */
	static VerifiedSubject actor(ExchangeRequest request, VerifiedSubject subject, Verifier verifier,
			TokenExchangeEvent.Builder event) {
		// The parser makes both present or neither.
		String token = request.actorToken().orElseThrow();
		String type = request.actorTokenType().orElseThrow();
		event.actorTokenSha256(TokenDigest.of(token));
		if (token.equals(request.subjectToken())) {
			throw refused("actor_token is the subject_token: an actor presents its own identity",
					"the actor token is the subject token");
		}
		VerifiedSubject actor;
		try {
			actor = verifier.verify(token, type);
		}
		catch (ExchangeException ex) {
			throw asActor(ex);
		}
		event.actor(actor.subject(), actor.trustSource());
		if (actor.trustSource().equals(subject.trustSource())) {
			if (actor.tokenId().equals(subject.tokenId())) {
				// The same token, encoded anew (an ECDSA signature has two forms).
				throw refused("actor_token is the subject_token: an actor presents its own identity",
						"the actor token has the subject token's " + subject.tokenId().split(":", 2)[0]);
			}
			if (actor.subject().equals(subject.subject())) {
				throw refused("actor_token names the subject itself: a party does not act for itself",
						"actor and subject are both " + subject.subject());
			}
		}
		mayAct(subject, actor);
		return actor;
	}

	/** The actor's source's rules, as a subject is held to its own. */
	static void admit(SourceRules rules, VerifiedSubject actor, Instant now, Duration skew) {
		try {
			rules.admit(actor, now, skew);
		}
		catch (ExchangeException ex) {
			throw asActor(ex);
		}
	}

	/**
	 * RFC 8693 §4.4: a subject token's {@code may_act} names who may act for it; any
	 * other actor is refused. Its {@code sub} must equal the actor's subject and, when it
	 * names one, its {@code iss} the actor token's issuer. A {@code may_act} that is not
	 * such an object refuses every actor: it is never advisory.
	 */
	static void mayAct(VerifiedSubject subject, VerifiedSubject actor) {
		Object mayAct = subject.claims().get("may_act");
		if (mayAct == null) {
			return;
		}
		if (!(mayAct instanceof Map<?, ?> named) || !(named.get("sub") instanceof String sub)
				|| (named.get("iss") != null && !(named.get("iss") instanceof String))) {
			throw refused("the subject_token's may_act is not an object naming sub: no actor may act for it",
					"may_act of " + subject.subject() + " is malformed");
		}
		Object iss = named.get("iss");
		if (!sub.equals(actor.subject()) || (iss != null && !iss.equals(actor.claims().get("iss")))) {
			throw refused("the actor is not the one the subject_token's may_act allows", "may_act of "
					+ subject.subject() + " does not name actor " + actor.subject() + " of " + actor.trustSource());
		}
	}

	private static ExchangeException asActor(ExchangeException ex) {
		return new ExchangeException(ex.errorCode(), ex.description().replace("subject_token", "actor_token"),
				"actor token: " + ex.detail(), ex.retryAfter().orElse(null));
	}

	private static ExchangeException refused(String description, String detail) {
		return new ExchangeException(ErrorCode.INVALID_REQUEST, description, detail);
	}

}

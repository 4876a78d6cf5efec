package dev.writ.exchange;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.writ.audit.TokenDigest;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.context.ExchangeContext;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.PolicySet;
import dev.writ.policy.SourceRules;
import dev.writ.request.ExchangeRequest;
import dev.writ.request.TokenTypes;
import dev.writ.store.StoreUnavailableException;
import dev.writ.trust.OidcSource;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustSet;
import dev.writ.trust.TrustSource;
import dev.writ.trust.VerifiedSubject;
import dev.writ.trust.WritTokenVerifier;
import dev.writ.trust.X509SvidVerifier;

/**
 * Who an exchange is for and who acts: the subject, of an external token or of a Writ
 * token exchanged again, and the chain's bound; and the actor of a delegated exchange
 * (RFC 8693 §2.1, {@code actor_token}): verified through the same trust sources and
 * checks as a subject token, never the subject token itself nor the subject acting for
 * itself, and, when the subject token carries {@code may_act} (§4.4), the party it names
 * — checked before any policy. Every refusal is {@code invalid_request} (§2.2.2: an actor
 * token that is invalid or unacceptable), and says {@code actor_token} where a subject
 * token's would say {@code subject_token}.
 */
final class Delegation {

	private Delegation() {
	}

	/**
	 * The verified subject: of the X.509-SVID a request without a subject token presented
	 * over mutual TLS; of an external identity token, by the trust in force; of a Writ
	 * token exchanged again, by Writ's own keys and revocations, its subject still from a
	 * source in force. A token that carries another issuer's {@code act} is refused: its
	 * chain cannot be verified here, and exchanging it would drop its actors and let one
	 * pass as the subject.
	 */
	static VerifiedSubject subject(ExchangeRequest request, List<X509Certificate> certificate, PolicySet policy,
			SubjectTokenVerifier verifier, X509SvidVerifier certificates, @Nullable WritTokenVerifier writTokens) {
		if (request.fromCertificate()) {
			return certificates.verify(certificate, policy.trust());
		}
		if (writTokens == null || !TokenTypes.ACCESS_TOKEN.equals(request.subjectTokenType())) {
			VerifiedSubject subject = verifier.verify(request.subjectToken(), request.subjectTokenType(),
					policy.trust());
			if (subject.claims().containsKey("act")) {
				throw refused("subject_token carries act: a delegated token of another issuer is not exchanged",
						"subject token of " + subject.subject() + " carries act");
			}
			return subject;
		}
		VerifiedSubject subject;
		try {
			subject = writTokens.verify(request.subjectToken());
		}
		catch (StoreUnavailableException ex) {
			throw TokenExchangeService.unavailable(ex);
		}
		TrustSource source = policy.trust().source(subject.trustSource()).orElse(null);
		// An OIDC entry's name may go to another issuer later: the issuer
		// must be the one that verified the subject.
		if (source == null || (source instanceof OidcSource oidc
				&& !oidc.issuer().equals(subject.claims().get(WritTokenVerifier.SUBJECT_ISSUER)))) {
			throw refused("subject_token's subject comes from a source this server no longer trusts",
					"Writ token of " + subject.subject() + " from " + subject.trustSource() + ", no longer trusted");
		}
		return subject;
	}

	/**
	 * The chain of the token to issue holds no more hops than the server allows; the
	 * audit event says which token it derives from, and how deep it is.
	 */
	static void withinDepth(ExchangeContext context, int maxDepth, TokenExchangeEvent.Builder event) {
		if (context.subject().claims().get("jti") instanceof String jti && context.subject().chain().isPresent()) {
			event.derivedFrom(jti);
		}
		if (context.depth() > 0) {
			event.chainDepth(context.depth());
		}
		if (context.depth() > maxDepth) {
			throw refused("the delegation chain would be longer than this server allows",
					"chain depth " + context.depth() + " exceeds writ.delegation.max-depth " + maxDepth);
		}
	}

	/** The verified actor of a request that carries an {@code actor_token}. */
	static VerifiedSubject actor(ExchangeRequest request, VerifiedSubject subject, SubjectTokenVerifier verifier,
			TrustSet trust, TokenExchangeEvent.Builder event) {
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
			actor = verifier.verify(token, type, trust);
		}
		catch (ExchangeException ex) {
			throw asActor(ex);
		}
		event.actor(actor.subject(), actor.trustSource());
		if (actor.claims().containsKey("act")) {
			throw refused("actor_token carries act: an actor presents its own identity, not a delegated token",
					"the actor token of " + actor.subject() + " carries act");
		}
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
	 * names one, its {@code iss} the actor token's issuer (without one, the actor comes
	 * from the subject token's own source, or is a SPIFFE ID). A {@code may_act} that is
	 * not such an object refuses every actor: it is never advisory.
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
		// Without iss, sub names a party of the subject token's own source (a subject is
		// unique only within its issuer), or a SPIFFE ID of a trusted trust domain.
		boolean sameSource = (iss != null) ? iss.equals(actor.claims().get("iss"))
				: actor.trustSource().equals(subject.trustSource())
						|| (sub.startsWith("spiffe://") && actor.fromSpiffe());
		if (!sub.equals(actor.subject()) || !sameSource) {
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

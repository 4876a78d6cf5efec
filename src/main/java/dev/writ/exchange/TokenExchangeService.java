package dev.writ.exchange;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.audit.AuditSink;
import dev.writ.audit.LogText;
import dev.writ.audit.Outcome;
import dev.writ.audit.TokenDigest;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.audit.TransportRefusalEvent;
import dev.writ.context.ExchangeContext;
import dev.writ.credentials.IssuedCredential;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.Decision;
import dev.writ.policy.PolicySet;
import dev.writ.policy.SourceRules;
import dev.writ.request.ExchangeRequest;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.store.RateLimits;
import dev.writ.store.ReplayGuard;
import dev.writ.store.StoreUnavailableException;
import dev.writ.token.AccessTokenMinter;
import dev.writ.token.IssuedToken;
import dev.writ.trust.X509SvidVerifier;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.VerifiedSubject;

/**
 * One token exchange, top to bottom: parse the request, verify the subject token, build
 * the context, let the policies decide, mint. Framework-free. Exactly one audit event is
 * recorded per exchange, on every exit.
 */
public final class TokenExchangeService {

	private static final Logger logger = LoggerFactory.getLogger(TokenExchangeService.class);

	/**
	 * How many actors a chain may hold unless said ({@code writ.delegation.max-depth}).
	 */
	public static final int DEFAULT_MAX_DEPTH = 4;

	private final ExchangeRequestParser parser = new ExchangeRequestParser();

	private final Supplier<PolicySet> policies;

	private final SubjectTokenVerifier verifier;

	private final AccessTokenMinter minter;

	private final ReplayGuard replays;

	private final AuditSink audit;

	private final Clock clock;

	private final Duration skew;

	private final ExchangeLimits limits;

	private final ExchangeOptions options;

	private final X509SvidVerifier certificates;

	/**
	 * @param policies the policies in force
	 * @param verifier verifies subject tokens
	 * @param minter mints access tokens
	 * @param replays the shared replay guard
	 * @param rateLimits the shared rate limits, which allowed exchanges spend
	 * @param audit where audit events go
	 * @param clock the clock
	 * @param skew the clock skew subject tokens are verified with; a used one-time token
	 * is remembered that much past its expiry
	 */
	public TokenExchangeService(Supplier<PolicySet> policies, SubjectTokenVerifier verifier, AccessTokenMinter minter,
			ReplayGuard replays, RateLimits rateLimits, AuditSink audit, Clock clock, Duration skew) {
		this(policies, verifier, ExchangeOptions.DEFAULTS, minter, replays, rateLimits, audit, clock, skew);
	}

	/**
	 * A service with the options of a whole server: chains of its own tokens, DPoP.
	 */
	public TokenExchangeService(Supplier<PolicySet> policies, SubjectTokenVerifier verifier, ExchangeOptions options,
			AccessTokenMinter minter, ReplayGuard replays, RateLimits rateLimits, AuditSink audit, Clock clock,
			Duration skew) {
		this.options = Objects.requireNonNull(options, "options cannot be null");
		this.policies = Objects.requireNonNull(policies, "policies cannot be null");
		this.verifier = Objects.requireNonNull(verifier, "verifier cannot be null");
		this.minter = Objects.requireNonNull(minter, "minter cannot be null");
		this.replays = Objects.requireNonNull(replays, "replays cannot be null");
		this.audit = Objects.requireNonNull(audit, "audit cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.skew = Objects.requireNonNull(skew, "skew cannot be null");
		this.limits = new ExchangeLimits(Objects.requireNonNull(rateLimits, "rateLimits cannot be null"), clock);
		this.certificates = new X509SvidVerifier(clock);
	}

	/** Exchanges a subject token; {@link #exchange(Map, List)} without a DPoP proof. */
	public ExchangeResult exchange(Map<String, List<String>> form) {
		return exchange(form, List.of());
	}

	/** {@link #exchange(Map, List, List)} of a request without a client certificate. */
	public ExchangeResult exchange(Map<String, List<String>> form, List<String> dpop) {
		return exchange(form, dpop, List.of());
	}

	/**
	 * Exchanges a subject token for an access token.
	 * @param form the parameters of the token request's body, each with every value it
	 * was sent with
	 * @param dpop every value of the request's {@code DPoP} header (RFC 9449): none for a
	 * bearer token
	 * @param certificate the client certificate chain of a request over mutual TLS, leaf
	 * first, whose key the handshake proved the client holds; empty without one
	 * @return the issued token and its grant
	 * @throws ExchangeException when the exchange is refused, with the code to answer
	 */
	public ExchangeResult exchange(Map<String, List<String>> form, List<String> dpop,
			List<X509Certificate> certificate) {
		long started = System.nanoTime();
		Instant now = this.clock.instant();
		TokenExchangeEvent.Builder event = TokenExchangeEvent.begin(now);
		try {
			ExchangeRequest request = this.parser.parse(form, !certificate.isEmpty());
			event.subjectTokenType(request.subjectTokenType())
				.subjectTokenSha256(request.fromCertificate() ? null : TokenDigest.of(request.subjectToken()))
				.requestedTarget(request.target().orElse(null))
				.requestedScopes(request.scopes())
				.clientId(request.clientId().orElse(null));
			PolicySet policy = this.policies.get();
			event.policyDigest(policy.digest());
			VerifiedSubject subject = Delegation.subject(request, certificate, policy, this.verifier, this.certificates,
					this.options.writTokens());
			event.subject(subject.subject()).trustSource(subject.trustSource());
			SourceRules guards = policy.sourceRules(subject);
			// A Writ token exchanged again is audience-bound, short-lived and revocable:
			// its root source's lifetime and replay rules are for identity tokens.
			boolean identity = subject.chain().isEmpty();
			if (identity) {
				guards.admit(subject, now, this.skew);
			}
			VerifiedSubject actor;
			try {
				actor = request.actorToken().isPresent()
						? Delegation.actor(request, subject, this.verifier, policy.trust(), event) : null;
			}
			catch (ExchangeException ex) {
				// A refused actor spends the subject's refusal budget.
				this.limits.refused(subject, guards);
				throw ex;
			}
			SourceRules actorGuards = (actor != null) ? policy.sourceRules(actor) : null;
			if (actor != null && actorGuards != null) {
				Delegation.admit(actorGuards, actor, now, this.skew);
			}
			Possession.Presented presented;
			try {
				presented = Possession.presented(this.options.dpop(), dpop, certificate, request, subject, actor,
						this.certificates, policy.trust(), event);
			}
			catch (ExchangeException ex) {
				// A bad proof spends the refusal budget too; the server's nonce challenge
				// (RFC 9449 §8) is routine, and does not.
				if (ex.errorCode() != ErrorCode.USE_DPOP_NONCE) {
					this.limits.refused(subject, guards);
				}
				throw ex;
			}
			ExchangeContext context = presented.bind((actor != null) ? policy.context(subject, actor, request, now)
					: policy.context(subject, request, now));
			Delegation.withinDepth(context, this.options.maxDepth(), event);
			event.attributes(context.attributes());
			Decision decision = policy.decide(context);
			if (decision instanceof Decision.Deny deny) {
				// Refusals are counted apart from allowed exchanges, on this node: they
				// spend no tenant's budget.
				this.limits.refused(subject, guards);
				throw new ExchangeException(deny.errorCode(), deny.description(), deny.detail());
			}
			Decision.Allow allow = (Decision.Allow) decision;
			// A certificate is presented at every handshake: one_time is for tokens.
			boolean once = identity && guards.oneTime() && !request.fromCertificate();
			if (once) {
				// A replay is refused before it spends a budget or a signature; firstUse
				// below alone decides.
				OneTimeUse.notUsedYet(this.replays, subject, event, "subject_token");
			}
			boolean actorOnce = actorGuards != null && actorGuards.oneTime();
			if (actor != null && actorOnce) {
				OneTimeUse.notUsedYet(this.replays, actor, event, "actor_token");
			}
			this.limits.allowed(subject, guards, event);
			if (actor != null && actorGuards != null) {
				this.limits.allowed(actor, actorGuards, event); // its own budgets too
			}
			if (presented.proof() != null && this.options.dpop() != null) {
				OneTimeUse.proof(this.replays, presented.proof(), this.options.dpop().window());
			}
			if (allow.credential() != null) {
				Credentials.checkReachable(this.options.credentials(), allow.credential());
				// Burned first: a credential, once created, is not taken back over a
				// lost race.
				burn(once ? subject : null, actorOnce ? actor : null, now, event);
				IssuedCredential credential = Credentials.issue(this.options.credentials(), allow.credential(), allow,
						subject, now);
				event.outcome(Outcome.GRANTED)
					.grant(allow.grantId())
					.audience(allow.audience())
					.credential(credential.leaseId(), credential.username())
					.expiresAt(credential.expiresAt());
				return new ExchangeResult(null, allow, request.requestedTokenType(), credential);
			}
			// Minted before a one-time token is marked used: an exchange that fails to
			// mint leaves the token unused.
			IssuedToken token = this.minter.mint(context, allow);
			burn(once ? subject : null, actorOnce ? actor : null, now, event);
			if (allow.boundTo() != null) {
				event.boundTo(allow.boundTo().toString());
			}
			event.outcome(Outcome.GRANTED)
				.grant(allow.grantId())
				.audience(allow.audience())
				.scopes(allow.scopes())
				.issuedTokenJti(token.jti())
				.issuedTokenSha256(TokenDigest.of(token.value()))
				.expiresAt(token.expiresAt());
			return new ExchangeResult(token, allow, request.requestedTokenType(), null);
		}
		catch (ExchangeException ex) {
			event.outcome(Outcome.DENIED).error(ex.errorCode()).reason(ex.detail());
			throw ex;
		}
		catch (RuntimeException ex) {
			logger.error("Token exchange failed unexpectedly", LogText.withSafeMessage(ex));
			event.outcome(Outcome.ERROR).error(ErrorCode.SERVER_ERROR);
			throw new ExchangeException(ErrorCode.SERVER_ERROR, "the server could not complete the exchange",
					ex.getClass().getName());
		}
		finally {
			event.latency(Duration.ofNanos(System.nanoTime() - started));
			this.audit.record(event.build());
		}
	}

	/**
	 * Records a request the token endpoint turned away before the exchange read its form
	 * — for how it was sent (the method, a body that is not a form or cannot be parsed,
	 * parameters in the query string, no {@code grant_type}), or by Spring's own checks
	 * (another grant type, client credentials): one audit event like every other refusal,
	 * with {@code stage} {@code transport}. Nothing of the request is recorded but the
	 * reason.
	 * @param refusal the refusal to answer with
	 * @return {@code refusal}, to throw
	 */
	public ExchangeException refuseTransport(ExchangeException refusal) {
		this.audit.record(new TransportRefusalEvent(this.clock.instant(), refusal.errorCode(), refusal.detail()));
		return refusal;
	}

	// Marks the one-time tokens of an allowed request used; null for one that is not.
	private void burn(@Nullable VerifiedSubject subject, @Nullable VerifiedSubject actor, Instant now,
			TokenExchangeEvent.Builder event) {
		if (subject != null) {
			OneTimeUse.firstUse(this.replays, this.skew, subject, now, event, "subject_token");
		}
		if (actor != null) {
			OneTimeUse.firstUse(this.replays, this.skew, actor, now, event, "actor_token");
		}
	}

	static ExchangeException unavailable(StoreUnavailableException ex) {
		return new ExchangeException(ErrorCode.TEMPORARILY_UNAVAILABLE,
				"the server cannot check this request now; retry " + "later", "store unavailable: " + ex.getMessage(),
				Duration.ofSeconds(1));
	}

}

package dev.writ.trust;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import io.spiffe.spiffeid.SpiffeId;

import dev.writ.error.ExchangeException;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;

/**
 * Verifies a subject token against the trust in force. The token is parsed once, its
 * header checked, and it is routed to exactly one source — never by a header the token
 * carries ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c} are refused):
 * <ol>
 * <li>an {@code iss} that is a trusted OIDC issuer, exactly: that issuer;</li>
 * <li>otherwise a {@code sub} that is a SPIFFE ID: its trust domain, which must be
 * trusted (a JWT-SVID's {@code iss} is optional and not used for routing, per the
 * JWT-SVID specification).</li>
 * </ol>
 * The rest is one sequence for every source, which supplies only its parts
 * ({@link TrustSource}): its keys (failing closed), the signature, then the claims — the
 * token types it accepts, its rule for {@code sub}, the time window, its audiences. Every
 * failure answers {@code invalid_request} (RFC 8693 §2.2.2).
 */
public final class SubjectTokenVerifier {

	/** Most clock skew tolerated. */
	public static final Duration MAX_SKEW = JwtChecks.MAX_SKEW;

	private final JwtChecks checks;

	private final VerifiedTokenCache cache;

	/**
	 * A verifier without a cache of verified tokens.
	 * @param audiences the audiences that name this Writ; a token must carry one (or one
	 * its source names)
	 * @param skew the clock skew tolerated on {@code exp}, {@code nbf} and {@code iat},
	 * at most {@link #MAX_SKEW}
	 * @param clock the clock
	 */
	public SubjectTokenVerifier(Set<String> audiences, Duration skew, Clock clock) {
		this(audiences, skew, clock, 0);
	}

	/**
	 * @param audiences the audiences that name this Writ; a token must carry one (or one
	 * its source names)
	 * @param skew the clock skew tolerated on {@code exp}, {@code nbf} and {@code iat},
	 * at most {@link #MAX_SKEW}
	 * @param clock the clock
	 * @param cacheSize how many verified tokens to remember so that a repeat skips its
	 * signature check; 0 for none
	 */
	public SubjectTokenVerifier(Set<String> audiences, Duration skew, Clock clock, int cacheSize) {
		this.checks = new JwtChecks(audiences, skew, clock);
		if (cacheSize < 0) {
			throw new IllegalArgumentException("cacheSize cannot be negative");
		}
		this.cache = new VerifiedTokenCache(cacheSize);
	}

	/**
	 * Verifies a subject token.
	 * @param token the serialized token
	 * @param tokenType its declared RFC 8693 type
	 * @param trust the trust in force
	 * @return the verified subject
	 * @throws dev.writ.error.ExchangeException {@code invalid_request} for any token that
	 * is not valid
	 */
	public VerifiedSubject verify(String token, String tokenType, TrustSet trust) {
		if (!TokenTypes.JWT.equals(tokenType) && !TokenTypes.ID_TOKEN.equals(tokenType)) {
			// RFC 8693 §3: a JWT access token of another issuer is a JWT, and is
			// presented as one.
			throw JwtChecks.invalid(
					"subject_token_type is not supported; Writ accepts " + TokenTypes.JWT
							+ " (any JWT, a JWT access token of your IdP too) and " + TokenTypes.ID_TOKEN,
					"subject_token_type " + JwtChecks.printable(tokenType));
		}
		String cacheKey = this.cache.enabled() ? VerifiedTokenCache.key(token, tokenType) : null;
		VerifiedSubject cached = (cacheKey != null) ? this.cache.get(cacheKey, trust, this.checks.now()) : null;
		if (cached != null) {
			// A repeat skips only the signature: time and audience are checked again,
			// replay and policy run as ever.
			TrustSource source = trust.source(cached.trustSource()).orElseThrow();
			this.checks.times(cached);
			JwtChecks.audience(cached, audiences(source));
			return cached;
		}
		SignedJWT jwt;
		Map<String, @Nullable Object> payload;
		JWTClaimsSet claims;
		String issuer;
		try {
			CompactJws.Jws jws = CompactJws.parseWithPayload(token, ExchangeRequestParser.MAX_TOKEN_LENGTH, Set.of());
			jwt = jws.jwt();
			payload = jws.payload();
		}
		catch (ParseException ex) {
			throw JwtChecks.invalid("subject_token is not a canonical compact JWS", "malformed: " + ex.getMessage());
		}
		try {
			// The payload as the strict check read it, once: its registered claims
			// checked as sent, then read as a claims set.
			JwtChecks.registeredClaims(payload);
			claims = JWTClaimsSet.parse(payload);
			issuer = claims.getStringClaim("iss");
		}
		catch (ParseException | RuntimeException ex) {
			if (ex instanceof ExchangeException refusal) {
				throw refusal;
			}
			throw JwtChecks.invalid("subject_token is not a well-formed signed JWT",
					"malformed: the claims set is not a JWT claims set");
		}
		JwtChecks.header(jwt.getHeader());
		TrustSource source = route(issuer, claims, tokenType, trust);
		KeySet keys = keysOrFailClosed(source, jwt);
		// The signature before any claim check: until it verifies, a trusted source's
		// token is answered exactly as
		// an untrusted one's, so that unsigned tokens cannot list the trusted sources,
		// their audiences or their clocks.
		JwtChecks.signature(jwt, keys, source.id());
		VerifiedSubject subject = claims(source, jwt, claims, tokenType);
		if (cacheKey != null) {
			this.cache.put(cacheKey, subject, source, jwt.getHeader().getKeyID(), keys, this.checks.now());
		}
		return subject;
	}

	private static KeySet keysOrFailClosed(TrustSource source, SignedJWT jwt) {
		try {
			return source.keys().keys(jwt.getHeader().getKeyID());
		}
		catch (KeysUnavailableException ex) {
			throw JwtChecks.invalid(JwtChecks.UNVERIFIABLE,
					"keys of " + source.id() + " unavailable: " + ex.getMessage());
		}
	}

	/**
	 * The claims of a token whose signature verified with its source's keys, in this
	 * order: the token type the source accepts, its rule for {@code sub}, the time
	 * window, the audience.
	 */
	private VerifiedSubject claims(TrustSource source, SignedJWT jwt, JWTClaimsSet claims, String tokenType) {
		if (!source.tokenTypes().contains(tokenType)) {
			String token = switch (source) {
				case SpiffeSource spiffe -> "a JWT-SVID";
				case OidcSource oidc -> "an OIDC token";
			};
			throw JwtChecks.invalid("subject_token_type does not fit the subject token",
					token + " was sent as " + tokenType);
		}
		String subject = source.subject(claims);
		Instant expiresAt = this.checks.times(claims);
		JwtChecks.audience(claims, audiences(source));
		return new VerifiedSubject(subject, source.id(), tokenType, claims.getClaims(), expiresAt,
				JwtChecks.tokenId(jwt, claims));
	}

	/**
	 * The audiences a token of this source must name: the source's own, else this Writ's.
	 */
	private Set<String> audiences(TrustSource source) {
		return source.audiences().isEmpty() ? this.checks.audiences() : source.audiences();
	}

	private static TrustSource route(String issuer, JWTClaimsSet claims, String tokenType, TrustSet trust) {
		if (issuer != null) {
			Optional<OidcSource> oidc = trust.oidc(issuer);
			if (oidc.isPresent()) {
				return oidc.get();
			}
		}
		Object sub = claims.getClaim("sub");
		boolean spiffeShaped = (sub instanceof String s) && s.regionMatches(true, 0, "spiffe:", 0, 7);
		if (!spiffeShaped && issuer != null) {
			throw JwtChecks.invalid(JwtChecks.UNVERIFIABLE,
					"issuer " + JwtChecks.printable(issuer) + " is not trusted");
		}
		if (TokenTypes.ID_TOKEN.equals(tokenType)) {
			throw JwtChecks.invalid(JwtChecks.UNVERIFIABLE, "an id_token from no trusted OIDC issuer");
		}
		SpiffeId spiffeId;
		try {
			spiffeId = spiffeId(claims);
		}
		catch (ExchangeException ex) {
			// With an iss, a precise answer here would tell this untrusted issuer from a
			// trusted one (whose tokens
			// are answered only after their signature): answered alike, the reason kept
			// for the audit.
			if (issuer != null) {
				throw JwtChecks.invalid(JwtChecks.UNVERIFIABLE, ex.detail());
			}
			throw ex;
		}
		return trust.spiffe(spiffeId.getTrustDomain())
			.orElseThrow(() -> JwtChecks.invalid(JwtChecks.UNVERIFIABLE,
					"trust domain " + spiffeId.getTrustDomain().getName() + " is not trusted"));
	}

	/** The {@code sub} of a JWT-SVID as a canonical SPIFFE ID. */
	static SpiffeId spiffeId(JWTClaimsSet claims) {
		String subject;
		try {
			subject = claims.getStringClaim("sub");
		}
		catch (ParseException ex) {
			throw JwtChecks.invalid("subject_token sub is not a SPIFFE ID", "sub is not a string");
		}
		if (subject == null) {
			throw JwtChecks.invalid("subject_token has no sub", "sub is missing");
		}
		try {
			return SpiffeIds.parseId(subject);
		}
		catch (IllegalArgumentException ex) {
			throw JwtChecks.invalid("subject_token sub is not a SPIFFE ID",
					"sub is not a SPIFFE ID: " + ex.getMessage());
		}
	}

}

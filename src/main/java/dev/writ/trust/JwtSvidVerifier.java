package dev.writ.trust;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;

/**
 * Verifies a SPIFFE JWT-SVID (SPIFFE JWT-SVID §3, §4) against the trusted bundles.
 *
 * <p>The trust domain is taken from the token's {@code sub}, and only that domain's keys are tried, so a key of
 * one trust domain can never vouch for another. Header keys ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c})
 * are refused outright, never followed. Every check that fails answers {@code invalid_request} (RFC 8693
 * §2.2.2); checks whose answer would reveal the trust configuration (trust domain, key, signature) share one
 * public description, and the precise reason goes to the audit detail.
 */
public final class JwtSvidVerifier {

	/** Most clock skew tolerated; the SPIFFE and OAuth peers use 30 to 60 seconds. */
	public static final Duration MAX_SKEW = Duration.ofSeconds(60);

	// JWT-SVID §3: the alg header MUST be one of RS256/384/512, ES256/384/512, PS256/384/512.
	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
			JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.PS256,
			JWSAlgorithm.PS384, JWSAlgorithm.PS512);

	// JWT-SVID §3: typ, if present, is JWT or JOSE.
	private static final Set<JOSEObjectType> TYPES = Set.of(JOSEObjectType.JWT, JOSEObjectType.JOSE);

	private static final String UNVERIFIABLE = "subject_token could not be verified";

	private final Set<String> audiences;

	private final Duration skew;

	private final Clock clock;

	/**
	 * @param audiences the audiences that name this Writ; a JWT-SVID must carry at least one of them
	 * @param skew the clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}, at most {@link #MAX_SKEW}
	 * @param clock the clock
	 */
	public JwtSvidVerifier(Set<String> audiences, Duration skew, Clock clock) {
		if (audiences.isEmpty()) {
			// An empty expected set would accept any audience, as java-spiffe's own validator does.
			throw new IllegalArgumentException("audiences cannot be empty");
		}
		if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
			throw new IllegalArgumentException("skew must be between 0 and " + MAX_SKEW.toSeconds() + " seconds");
		}
		this.audiences = Set.copyOf(audiences);
		this.skew = skew;
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/**
	 * Verifies a JWT-SVID.
	 * @param token the serialized token
	 * @param trust the trust domains to verify against
	 * @return the verified subject
	 * @throws ExchangeException {@code invalid_request} for any token that is not a valid JWT-SVID of a trusted
	 * trust domain addressed to this Writ
	 */
	public VerifiedSubject verify(String token, SpiffeTrust trust) {
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			jwt = SignedJWT.parse(token);
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw invalid("subject_token is not a well-formed signed JWT", "malformed: not a signed JWT (JWS compact)");
		}
		JWSHeader header = jwt.getHeader();
		checkHeader(header);
		SpiffeId spiffeId = spiffeId(claims);
		Instant expiresAt = checkTimes(claims);
		checkAudience(claims);
		verifySignature(jwt, header, trust, spiffeId.getTrustDomain());
		return new VerifiedSubject(spiffeId.toString(), spiffeId.getTrustDomain().toIdString(), TokenTypes.JWT,
				claims.getClaims(), expiresAt);
	}

	private static void checkHeader(JWSHeader header) {
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw invalid(UNVERIFIABLE, "alg " + printable(header.getAlgorithm().getName()) + " is not allowed");
		}
		if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
			throw invalid(UNVERIFIABLE, "header has no kid");
		}
		if (header.getType() != null && !TYPES.contains(header.getType())) {
			throw invalid(UNVERIFIABLE, "typ " + printable(header.getType().getType()) + " is not JWT or JOSE");
		}
		// Keys named by the token itself are never trusted; a JWT-SVID has no reason to carry them.
		if (header.getJWKURL() != null || header.getJWK() != null || header.getX509CertURL() != null
				|| header.getX509CertChain() != null) {
			throw invalid(UNVERIFIABLE, "header carries a key or key reference (jku, jwk, x5u or x5c)");
		}
		if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
			throw invalid(UNVERIFIABLE, "header has crit parameters");
		}
	}

	private static SpiffeId spiffeId(JWTClaimsSet claims) {
		String subject;
		try {
			subject = claims.getStringClaim("sub");
		}
		catch (ParseException ex) {
			throw invalid("subject_token sub is not a SPIFFE ID", "sub is not a string");
		}
		if (subject == null) {
			throw invalid("subject_token has no sub", "sub is missing");
		}
		try {
			return SpiffeIds.parseId(subject);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("subject_token sub is not a SPIFFE ID", "sub is not a SPIFFE ID: " + ex.getMessage());
		}
	}

	private Instant checkTimes(JWTClaimsSet claims) {
		Instant now = this.clock.instant();
		Date exp = claims.getExpirationTime();
		if (exp == null) {
			throw invalid("subject_token has no exp", "exp is missing");
		}
		if (!now.isBefore(exp.toInstant().plus(this.skew))) {
			throw invalid("subject_token has expired", "expired at " + exp.toInstant());
		}
		Date nbf = claims.getNotBeforeTime();
		if (nbf != null && now.plus(this.skew).isBefore(nbf.toInstant())) {
			throw invalid("subject_token is not valid yet", "nbf " + nbf.toInstant() + " is in the future");
		}
		Date iat = claims.getIssueTime();
		if (iat != null && now.plus(this.skew).isBefore(iat.toInstant())) {
			throw invalid("subject_token was issued in the future", "iat " + iat.toInstant() + " is in the future");
		}
		return exp.toInstant();
	}

	private void checkAudience(JWTClaimsSet claims) {
		List<String> audience = claims.getAudience();
		if (audience.isEmpty()) {
			throw invalid("subject_token has no aud", "aud is missing");
		}
		if (audience.stream().noneMatch(this.audiences::contains)) {
			throw invalid("subject_token audience does not name this server",
					"aud names " + audience.size() + " audience(s), none of them this Writ");
		}
	}

	private static void verifySignature(SignedJWT jwt, JWSHeader header, SpiffeTrust trust, TrustDomain domain) {
		SpiffeBundle bundle = trust.bundle(domain);
		if (bundle == null) {
			throw invalid(UNVERIFIABLE, "trust domain " + domain.getName() + " is not trusted");
		}
		SpiffeBundle.Authority authority = bundle.authority(header.getKeyID());
		if (authority == null) {
			throw invalid(UNVERIFIABLE,
					"kid " + printable(header.getKeyID()) + " is not in the bundle of " + domain.getName());
		}
		if (!authority.accepts(header.getAlgorithm())) {
			throw invalid(UNVERIFIABLE, "alg " + header.getAlgorithm() + " does not fit the key "
					+ printable(header.getKeyID()));
		}
		boolean valid;
		try {
			valid = jwt.verify(authority.verifier());
		}
		catch (JOSEException ex) {
			valid = false;
		}
		if (!valid) {
			throw invalid(UNVERIFIABLE, "signature does not verify with key " + printable(header.getKeyID()));
		}
	}

	// Values from an unverified token reach the audit detail only shortened and in safe characters.
	private static String printable(String value) {
		String shortened = (value.length() > 64) ? value.substring(0, 64) + "..." : value;
		return shortened.replaceAll("[^A-Za-z0-9._:/+=-]", "?");
	}

	private static ExchangeException invalid(String description, String detail) {
		return new ExchangeException(ErrorCode.INVALID_REQUEST, description, detail);
	}

}

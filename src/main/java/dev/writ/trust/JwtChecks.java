package dev.writ.trust;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.jspecify.annotations.Nullable;

import dev.writ.digest.Sha256;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;

/**
 * The checks every subject token passes, whatever its source: header, time window with a
 * bounded skew, audience, and signature with one key of the one source the token was
 * routed to.
 *
 * <p>
 * Checks whose answer would reveal the trust configuration (source, key, signature,
 * algorithm) share one public description; the precise reason goes to the audit detail.
 */
final class JwtChecks {

	/** Most clock skew tolerated; the SPIFFE and OAuth peers use 30 to 60 seconds. */
	static final Duration MAX_SKEW = Duration.ofSeconds(60);

	static final String UNVERIFIABLE = "subject_token could not be verified";

	// RFC 7518 §3.1 asymmetric algorithms: never none, never HMAC (a public key is no
	// secret).
	static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
			JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.PS256, JWSAlgorithm.PS384,
			JWSAlgorithm.PS512);

	// 9999-12-31T23:59:59Z: every later instant overflows somewhere (milliseconds in a
	// long, ISO years).
	private static final double LATEST_NUMERIC_DATE = 253_402_300_799d;

	private static final Set<JOSEObjectType> TYPES = Set.of(JOSEObjectType.JWT, JOSEObjectType.JOSE);

	private final Set<String> audiences;

	private final Duration skew;

	private final Clock clock;

	JwtChecks(Set<String> audiences, Duration skew, Clock clock) {
		if (audiences.isEmpty()) {
			// An empty expected set would accept any audience, as java-spiffe's own
			// validator does.
			throw new IllegalArgumentException("audiences cannot be empty");
		}
		if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
			throw new IllegalArgumentException("skew must be between 0 and " + MAX_SKEW.toSeconds() + " seconds");
		}
		this.audiences = Set.copyOf(audiences);
		this.skew = skew;
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/** The audiences a token must name when its source names none of its own. */
	Set<String> audiences() {
		return this.audiences;
	}

	Instant now() {
		return this.clock.instant();
	}

	/**
	 * {@code alg} allowed, {@code kid} present, {@code typ} JWT/JOSE/absent, no crit. A
	 * key or key reference named by the token ({@code jku}, {@code jwk}, {@code x5u},
	 * {@code x5c}) never gets this far: {@link CompactJws} refuses it before the header
	 * is parsed.
	 */
	static void header(JWSHeader header) {
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw invalid(UNVERIFIABLE, "alg " + printable(header.getAlgorithm().getName()) + " is not allowed");
		}
		if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
			throw invalid(UNVERIFIABLE, "header has no kid");
		}
		if (header.getType() != null && !TYPES.contains(header.getType())) {
			throw invalid(UNVERIFIABLE, "typ " + printable(header.getType().getType()) + " is not JWT or JOSE");
		}
		// RFC 7515 §4.1.11: crit, when present, is never empty; Writ understands no
		// extension, so any crit is refused.
		if (header.getCriticalParams() != null) {
			throw invalid(UNVERIFIABLE, "header has crit parameters");
		}
	}

	/**
	 * {@code exp} required and not past; {@code nbf}, {@code iat} not in the future; all
	 * with the skew.
	 */
	Instant times(JWTClaimsSet claims) {
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

	/** The time checks again, for a subject verified earlier. */
	void times(VerifiedSubject subject) {
		Instant now = this.clock.instant();
		if (!now.isBefore(subject.expiresAt().plus(this.skew))) {
			throw invalid("subject_token has expired", "expired at " + subject.expiresAt());
		}
		if (subject.claims().get("nbf") instanceof Date nbf && now.plus(this.skew).isBefore(nbf.toInstant())) {
			throw invalid("subject_token is not valid yet", "nbf " + nbf.toInstant() + " is in the future");
		}
	}

	/** The audience check again, for a subject verified earlier. */
	static void audience(VerifiedSubject subject, Set<String> expected) {
		List<String> audience = audiences(subject.claims().get("aud"));
		if (audience.stream().noneMatch(expected::contains)) {
			throw audienceRefused(audience, expected);
		}
	}

	/** {@code aud} names at least one of {@code expected}. */
	static void audience(JWTClaimsSet claims, Set<String> expected) {
		List<String> audience = audiences(claims.getClaim("aud"));
		if (audience.isEmpty()) {
			throw invalid("subject_token has no aud", "aud is missing");
		}
		if (audience.stream().noneMatch(expected::contains)) {
			throw audienceRefused(audience, expected);
		}
	}

	// The audit detail says what the token named and what this Writ accepts (its issuer
	// and writ.audiences, or the
	// trust entry's audience): the operator's answer to "why", which the client's
	// description never carries.
	private static ExchangeException audienceRefused(List<String> audience, Set<String> expected) {
		return invalid("subject_token audience does not name this server",
				"aud names " + listed(audience) + "; accepted here: " + listed(expected));
	}

	private static String listed(Collection<String> values) {
		List<String> shown = values.stream().limit(5).map(JwtChecks::printable).toList();
		return shown + ((values.size() > shown.size()) ? " and " + (values.size() - shown.size()) + " more" : "");
	}

	/**
	 * The audiences of an {@code aud} claim: RFC 7519 §4.1.3, a string or an array of
	 * strings; anything else (an array holding a null or a number, an object) is refused,
	 * never read as no audience.
	 */
	static List<String> audiences(@Nullable Object aud) {
		if (aud == null) {
			return List.of();
		}
		if (aud instanceof String one) {
			return List.of(one);
		}
		if (aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
			return list.stream().map(String.class::cast).toList();
		}
		throw invalid("subject_token aud is not a string or an array of strings", "aud is malformed");
	}

	/**
	 * Whether a claim as sent is a NumericDate Writ reads (RFC 7519 §2: a JSON number of
	 * seconds, here from 1970 to the year 9999).
	 */
	static boolean numericDate(@Nullable Object value) {
		return value instanceof Number number && number.doubleValue() >= 0
				&& number.doubleValue() <= LATEST_NUMERIC_DATE;
	}

	/**
	 * The registered claims the JOSE library would read leniently, checked as the token
	 * has them: {@code exp}, {@code nbf} and {@code iat}, where named, are NumericDates
	 * (RFC 7519 §2: JSON numbers of seconds, here from 1970 to the year 9999; the library
	 * would read {@code 1e300} as a date that overflows), and {@code aud} is a string or
	 * an array of strings (the library would drop an {@code aud} of another type and read
	 * the token as having none).
	 */
	static void registeredClaims(Map<String, @Nullable Object> payload) {
		for (String name : List.of("exp", "nbf", "iat")) {
			Object value = payload.get(name);
			if (payload.containsKey(name) && !numericDate(value)) {
				throw invalid("subject_token " + name + " is not a NumericDate",
						name + " is not a NumericDate in range");
			}
		}
		if (payload.containsKey("aud")) {
			audiences(payload.get("aud"));
		}
		// StringOrURI (RFC 7519 §2): the library would read a number 123 as the string
		// "123".
		for (String name : List.of("iss", "sub", "jti")) {
			if (payload.containsKey(name) && !(payload.get(name) instanceof String)) {
				throw invalid("subject_token " + name + " is not a string", name + " is not a string");
			}
		}
	}

	/**
	 * The signature verifies with the key the header names, from {@code keys} and nowhere
	 * else.
	 */
	static void signature(SignedJWT jwt, KeySet keys, String source) {
		JWSHeader header = jwt.getHeader();
		VerificationKey key = keys.get(header.getKeyID());
		if (key == null) {
			throw invalid(UNVERIFIABLE, "kid " + printable(header.getKeyID()) + " is not among the keys of " + source);
		}
		if (!key.accepts(header.getAlgorithm())) {
			throw invalid(UNVERIFIABLE,
					"alg " + header.getAlgorithm() + " does not fit the key " + printable(header.getKeyID()));
		}
		boolean valid;
		try {
			valid = jwt.verify(key.verifier(header.getAlgorithm()));
		}
		catch (JOSEException ex) {
			valid = false;
		}
		if (!valid) {
			throw invalid(UNVERIFIABLE,
					"signature does not verify with key " + printable(header.getKeyID()) + " of " + source);
		}
	}

	/** See {@link VerifiedSubject#tokenId()}. */
	static String tokenId(SignedJWT jwt, JWTClaimsSet claims) {
		String jti = claims.getJWTID();
		if (jti != null && !jti.isEmpty() && jti.length() <= 256) {
			return "jti:" + jti;
		}
		return "payload:" + Sha256.base64url(jwt.getPayload().toBytes());
	}

	// Values from an unverified token reach the audit detail only shortened and in safe
	// characters.
	static String printable(String value) {
		String shortened = (value.length() > 64) ? value.substring(0, 64) + "..." : value;
		return shortened.replaceAll("[^A-Za-z0-9._:/+=-]", "?");
	}

	static ExchangeException invalid(String description, String detail) {
		return new ExchangeException(ErrorCode.INVALID_REQUEST, description, detail);
	}

}

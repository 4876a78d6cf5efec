package dev.writ.trust;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A subject whose token Writ has verified: signature, algorithm, key, time window,
 * audience and issuer. Only the verifiers of this package can create one, so a value of
 * this type is proof of verification.
 */
public final class VerifiedSubject {

	private final String subject;

	private final String trustSource;

	private final String tokenType;

	private final Map<String, Object> claims;

	private final Instant expiresAt;

	private final String tokenId;

	private final @Nullable IssuedChain chain;

	VerifiedSubject(String subject, String trustSource, String tokenType, Map<String, Object> claims, Instant expiresAt,
			String tokenId) {
		this(subject, trustSource, tokenType, claims, expiresAt, tokenId, null);
	}

	VerifiedSubject(String subject, String trustSource, String tokenType, Map<String, Object> claims, Instant expiresAt,
			String tokenId, @Nullable IssuedChain chain) {
		this.subject = Objects.requireNonNull(subject, "subject cannot be null");
		this.trustSource = Objects.requireNonNull(trustSource, "trustSource cannot be null");
		this.tokenType = Objects.requireNonNull(tokenType, "tokenType cannot be null");
		// A member whose value is null (RFC 7519 allows it) is no claim at all: policies
		// see it as absent.
		Map<String, Object> present = new LinkedHashMap<>();
		claims.forEach((name, value) -> {
			if (value != null) {
				present.put(name, value);
			}
		});
		this.claims = Collections.unmodifiableMap(present);
		this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
		this.tokenId = Objects.requireNonNull(tokenId, "tokenId cannot be null");
		this.chain = chain;
	}

	/**
	 * For a token this Writ issued, exchanged again: what it was issued for and by whom
	 * ({@link WritTokenVerifier}); empty for every other subject token.
	 */
	public Optional<IssuedChain> chain() {
		return Optional.ofNullable(this.chain);
	}

	/**
	 * What identifies this subject token among its source's tokens, for replay
	 * protection: {@code jti:<jti>}, or for a token without one,
	 * {@code payload:<SHA-256 of its decoded payload>}. Never derived from the signature,
	 * which for ECDSA can be re-encoded into another valid one.
	 */
	public String tokenId() {
		return this.tokenId;
	}

	/** The verified subject: a SPIFFE ID for a JWT-SVID. */
	public String subject() {
		return this.subject;
	}

	/** The trust entry that verified it, such as {@code spiffe://prod.example.org}. */
	public String trustSource() {
		return this.trustSource;
	}

	/**
	 * Whether it comes from a SPIFFE trust domain (a source named
	 * {@code spiffe://<trust domain>}), not an OIDC issuer.
	 */
	public boolean fromSpiffe() {
		return this.trustSource.startsWith("spiffe://");
	}

	/** The RFC 8693 type of the subject token. */
	public String tokenType() {
		return this.tokenType;
	}

	/** The verified claims of the subject token. */
	public Map<String, Object> claims() {
		return this.claims;
	}

	/** When the subject token expires. */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	/** Names the subject and its source; never prints claims. */
	@Override
	public String toString() {
		return "VerifiedSubject[" + this.subject + " from " + this.trustSource + "]";
	}

}

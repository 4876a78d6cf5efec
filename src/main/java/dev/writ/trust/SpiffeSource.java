package dev.writ.trust;

import java.util.Objects;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import io.spiffe.spiffeid.TrustDomain;

import dev.writ.request.TokenTypes;

/**
 * One trusted SPIFFE trust domain: JWT-SVIDs whose {@code sub} is in it, verified with
 * its bundle's keys.
 */
public final class SpiffeSource implements TrustSource {

	private static final Set<String> TOKEN_TYPES = Set.of(TokenTypes.JWT);

	private final TrustDomain trustDomain;

	private final KeyProvider keys;

	public SpiffeSource(TrustDomain trustDomain, KeyProvider keys) {
		this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain cannot be null");
		this.keys = Objects.requireNonNull(keys, "keys cannot be null");
	}

	public TrustDomain trustDomain() {
		return this.trustDomain;
	}

	@Override
	public String id() {
		return this.trustDomain.toIdString();
	}

	@Override
	public KeyProvider keys() {
		return this.keys;
	}

	@Override
	public Set<String> tokenTypes() {
		return TOKEN_TYPES;
	}

	@Override
	public Set<String> audiences() {
		return Set.of();
	}

	/** A JWT-SVID's {@code sub}: a canonical SPIFFE ID. */
	@Override
	public String subject(JWTClaimsSet claims) {
		return SubjectTokenVerifier.spiffeId(claims).toString();
	}

}

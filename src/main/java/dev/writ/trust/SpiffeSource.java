package dev.writ.trust;

import java.util.Objects;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;

import dev.writ.request.TokenTypes;

/** One trusted SPIFFE trust domain: JWT-SVIDs whose {@code sub} is in it, verified with its bundle's keys. */
public final class SpiffeSource implements TrustSource {

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
	public VerifiedSubject verify(SignedJWT jwt, JWTClaimsSet claims, String tokenType, JwtChecks checks) {
		if (!TokenTypes.JWT.equals(tokenType)) {
			throw JwtChecks.invalid("subject_token_type does not fit the subject token",
					"a JWT-SVID was sent as " + tokenType);
		}
		SpiffeId spiffeId = SubjectTokenVerifier.spiffeId(claims);
		var expiresAt = checks.times(claims);
		JwtChecks.audience(claims, checks.audiences());
		return new VerifiedSubject(spiffeId.toString(), id(), tokenType, claims.getClaims(), expiresAt,
				JwtChecks.tokenId(jwt, claims));
	}

	@Override
	public void recheck(VerifiedSubject subject, JwtChecks checks) {
		checks.times(subject);
		JwtChecks.audience(subject, checks.audiences());
	}

	static KeySet keysOrFailClosed(KeyProvider keys, SignedJWT jwt, String source) {
		try {
			return keys.keys(jwt.getHeader().getKeyID());
		}
		catch (KeysUnavailableException ex) {
			throw JwtChecks.invalid(JwtChecks.UNVERIFIABLE, "keys of " + source + " unavailable: " + ex.getMessage());
		}
	}

}

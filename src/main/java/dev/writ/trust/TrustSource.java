package dev.writ.trust;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Whom Writ believes for one issuer or one SPIFFE trust domain. */
public sealed interface TrustSource permits SpiffeSource, OidcSource {

	/** The source's id: {@code spiffe://<trust domain>} or the OIDC entry's name; grants name it. */
	String id();

	/** Its keys. */
	KeyProvider keys();

	/**
	 * Verifies a token routed to this source against {@code keys}, the snapshot of its keys the caller fetched; the
	 * header has been checked already.
	 */
	VerifiedSubject verify(SignedJWT jwt, JWTClaimsSet claims, String tokenType, JwtChecks checks, KeySet keys);

	/** The checks a verified token passes again on every later presentation: time and audience. */
	void recheck(VerifiedSubject subject, JwtChecks checks);

}

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
	 * Checks the claims of a token routed to this source, whose header has been checked and whose signature has
	 * verified with this source's keys already.
	 */
	VerifiedSubject verify(SignedJWT jwt, JWTClaimsSet claims, String tokenType, JwtChecks checks);

	/** The checks a verified token passes again on every later presentation: time and audience. */
	void recheck(VerifiedSubject subject, JwtChecks checks);

}

package dev.writ.trust;

import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Whom Writ believes for one issuer or one SPIFFE trust domain: what differs from one
 * source to another. The verification itself — keys, signature, time, audience — is
 * {@link SubjectTokenVerifier}'s, the same for every source.
 */
public sealed interface TrustSource permits SpiffeSource, OidcSource {

	/**
	 * The source's id: {@code spiffe://<trust domain>} or the OIDC entry's name; grants
	 * name it.
	 */
	String id();

	/** Its keys. */
	KeyProvider keys();

	/** The RFC 8693 token types its tokens may be presented as. */
	Set<String> tokenTypes();

	/**
	 * The audiences its tokens must name; empty for the audiences that name this Writ.
	 */
	Set<String> audiences();

	/**
	 * The subject of a token routed to this source, whose signature has verified with its
	 * keys: the source's own rule for {@code sub}, checked before time and audience.
	 * @throws dev.writ.error.ExchangeException {@code invalid_request} when {@code sub}
	 * breaks that rule
	 */
	String subject(JWTClaimsSet claims);

}

package dev.writ.trust;

import java.text.ParseException;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.writ.request.TokenTypes;

/**
 * One trusted OIDC issuer (OpenID Connect Core §3.1.3.7, RFC 7519): tokens whose
 * {@code iss} is exactly its issuer, verified with its keys, addressed to its audience.
 */
public final class OidcSource implements TrustSource {

	private static final Set<String> TOKEN_TYPES = Set.of(TokenTypes.JWT, TokenTypes.ID_TOKEN);

	private final String name;

	private final String issuer;

	private final Set<String> audiences;

	private final KeyProvider keys;

	/**
	 * @param name the entry's name, which grants use
	 * @param issuer the exact {@code iss}
	 * @param audiences the audiences its tokens must name; empty for Writ's own audiences
	 * @param keys its keys
	 */
	public OidcSource(String name, String issuer, Set<String> audiences, KeyProvider keys) {
		this.name = Objects.requireNonNull(name, "name cannot be null");
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
		this.audiences = Set.copyOf(audiences);
		this.keys = Objects.requireNonNull(keys, "keys cannot be null");
	}

	public String issuer() {
		return this.issuer;
	}

	@Override
	public String id() {
		return this.name;
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
		return this.audiences;
	}

	/** A {@code sub} that is a non-empty string and not a SPIFFE ID. */
	@Override
	public String subject(JWTClaimsSet claims) {
		String subject;
		try {
			subject = claims.getStringClaim("sub");
		}
		catch (ParseException ex) {
			throw JwtChecks.invalid("subject_token has no sub", "sub is not a string");
		}
		if (subject == null || subject.isEmpty()) {
			throw JwtChecks.invalid("subject_token has no sub", "sub is missing");
		}
		// SPIFFE IDs are asserted by SPIFFE trust domains only: an OIDC issuer naming one
		// would mint Writ tokens
		// whose sub a resource server could take for a SPIFFE workload's.
		if (subject.regionMatches(true, 0, "spiffe:", 0, 7)) {
			throw JwtChecks.invalid(JwtChecks.UNVERIFIABLE, "OIDC issuer " + this.name
					+ " asserted a SPIFFE ID as sub; " + "trust that trust domain with a spiffe entry instead");
		}
		return subject;
	}

}

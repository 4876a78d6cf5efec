package dev.writ.request;

/** Token type identifiers of RFC 8693 §3 and the grant type of RFC 8693 §2.1. */
public final class TokenTypes {

	/** The {@code grant_type} of a token exchange request. */
	public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

	/** A JWT (RFC 7519), such as a SPIFFE JWT-SVID. */
	public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

	/** An OAuth 2.0 access token; what Writ issues. */
	public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

	/** An OpenID Connect ID Token. */
	public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

	/**
	 * A just-in-time credential for a system that takes only secrets
	 * (docs/credentials.md): {@code access_token} carries its password, {@code username}
	 * its username. Writ's own type; RFC 8693 §3 lets a server define more.
	 */
	public static final String PASSWORD = "urn:writ:params:oauth:token-type:password";

	/**
	 * An X.509-SVID presented as the TLS client certificate in place of a subject token:
	 * what the audit records as its type. No RFC 8693 type names one, and none is ever
	 * sent as {@code subject_token_type}.
	 */
	public static final String X509_SVID = "x509-svid";

	private TokenTypes() {
	}

}

package dev.writ.audit;

import dev.writ.digest.Sha256;

/**
 * The SHA-256 digest of a token, base64url: how a token is named in logs and audit
 * events, never by its value.
 */
public final class TokenDigest {

	private TokenDigest() {
	}

	/** The digest of a token. */
	public static String of(String token) {
		return Sha256.base64url(token);
	}

}

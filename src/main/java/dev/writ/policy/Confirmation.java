package dev.writ.policy;

import java.util.Objects;

/**
 * What an issued token is bound to (its {@code cnf}, RFC 7800): the RFC 7638 thumbprint
 * of a DPoP key ({@code jkt}, RFC 9449) or the thumbprint of a TLS client certificate
 * ({@code x5t#S256}, RFC 8705).
 *
 * @param member the {@code cnf} member: {@code jkt} or {@code x5t#S256}
 * @param thumbprint its value, base64url
 */
public record Confirmation(String member, String thumbprint) {

	/** The {@code cnf} member of a DPoP key. */
	public static final String DPOP = "jkt";

	/** The {@code cnf} member of a client certificate. */
	public static final String CERTIFICATE = "x5t#S256";

	public Confirmation {
		Objects.requireNonNull(member, "member cannot be null");
		Objects.requireNonNull(thumbprint, "thumbprint cannot be null");
		if (!member.equals(DPOP) && !member.equals(CERTIFICATE)) {
			throw new IllegalArgumentException("a confirmation is jkt or x5t#S256");
		}
	}

	/**
	 * Whether it is a DPoP key: then the token is answered as {@code token_type DPoP}.
	 */
	public boolean dpop() {
		return this.member.equals(DPOP);
	}

	/**
	 * As the audit prints it: {@code jkt:<thumbprint>} or {@code x5t#S256:<thumbprint>}.
	 */
	@Override
	public String toString() {
		return this.member + ":" + this.thumbprint;
	}

}

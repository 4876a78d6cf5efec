package dev.writ.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An access token Writ issued. Its {@link #toString()} never shows the token: a token
 * logged by accident is a token leaked.
 */
public final class AccessToken {

	private final String value;

	private final String type;

	private final Set<String> scopes;

	private final Instant expiresAt;

	AccessToken(String value, String type, Set<String> scopes, Instant expiresAt) {
		this.value = Objects.requireNonNull(value);
		this.type = type;
		this.scopes = Set.copyOf(scopes);
		this.expiresAt = expiresAt;
	}

	/** The token itself, for an {@code Authorization} header. */
	public String value() {
		return this.value;
	}

	/**
	 * The {@code token_type} of Writ's answer: {@code Bearer}, or {@code DPoP} for a
	 * token bound to the client's DPoP key.
	 */
	public String type() {
		return this.type;
	}

	/**
	 * The {@code Authorization} header's value: {@code Bearer <token>}, or
	 * {@code DPoP <token>}, which goes with a proof for each call
	 * ({@link WritClient#dpopProof}).
	 */
	public String authorization() {
		return this.type + " " + this.value;
	}

	/** The scopes Writ granted. */
	public Set<String> scopes() {
		return this.scopes;
	}

	/**
	 * When the token expires, by this machine's clock: the time it was received plus
	 * Writ's {@code expires_in}, so a skewed clock between the two does not matter.
	 */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	@Override
	public String toString() {
		return "AccessToken[" + this.type + ", scopes " + this.scopes + ", expires " + this.expiresAt + "]";
	}

}

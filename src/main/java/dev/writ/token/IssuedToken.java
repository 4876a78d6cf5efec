package dev.writ.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Collections;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.writ.policy.Confirmation;
import java.util.TreeSet;

/**
 * An access token Writ issued.
 *
 * @param value the serialized JWT; a secret of its holder, never logged
 * @param jti its unique id
 * @param issuedAt when it was issued
 * @param expiresAt when it expires
 * @param scopes its scopes, in sorted order, as its claim and the response list them
 * @param boundTo what it is bound to ({@code cnf}): a DPoP key or a client certificate;
 * null for a bearer token
 */
public record IssuedToken(String value, String jti, Instant issuedAt, Instant expiresAt, Set<String> scopes,
		@Nullable Confirmation boundTo) {

	public IssuedToken {
		Objects.requireNonNull(value, "value cannot be null");
		Objects.requireNonNull(jti, "jti cannot be null");
		Objects.requireNonNull(issuedAt, "issuedAt cannot be null");
		Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
		scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
	}

	/** Never prints the token. */
	@Override
	public String toString() {
		return "IssuedToken[jti=" + this.jti + ", expiresAt=" + this.expiresAt + ", scopes=" + this.scopes + "]";
	}

}

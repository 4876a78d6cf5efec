package dev.writ.exchange;

import org.jspecify.annotations.Nullable;

import dev.writ.credentials.IssuedCredential;
import dev.writ.policy.Decision;
import dev.writ.token.IssuedToken;

/**
 * A successful exchange: a token, or a just-in-time credential.
 *
 * @param token the issued token; null for a credential
 * @param allow the decision that allowed it
 * @param issuedTokenType the RFC 8693 type to report as {@code issued_token_type}: the
 * type requested
 * @param credential the issued credential; null for a token
 */
public record ExchangeResult(@Nullable IssuedToken token, Decision.Allow allow, String issuedTokenType,
		@Nullable IssuedCredential credential) {
}

package dev.writ.exchange;

import org.jspecify.annotations.Nullable;

import dev.writ.credentials.CredentialIssuer;
import dev.writ.trust.DpopVerifier;
import dev.writ.trust.WritTokenVerifier;

/**
 * What a whole server adds to the exchange of identity tokens.
 *
 * @param writTokens verifies this Writ's tokens presented as subject tokens; null to
 * refuse them
 * @param maxDepth the most hops a chain may hold ({@code writ.delegation.max-depth})
 * @param dpop verifies DPoP proofs (RFC 9449); null to refuse requests with one
 * @param credentials issues just-in-time credentials; null to refuse requests for one
 */
public record ExchangeOptions(@Nullable WritTokenVerifier writTokens, int maxDepth, @Nullable DpopVerifier dpop,
		@Nullable CredentialIssuer credentials) {

	/** Identity tokens only, chains, DPoP and credentials refused. */
	public static final ExchangeOptions DEFAULTS = new ExchangeOptions(null, TokenExchangeService.DEFAULT_MAX_DEPTH,
			null, null);

	/** Options without credentials. */
	public ExchangeOptions(@Nullable WritTokenVerifier writTokens, int maxDepth, @Nullable DpopVerifier dpop) {
		this(writTokens, maxDepth, dpop, null);
	}

}

package dev.writ.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

import dev.writ.credentials.IssuedCredential;
import dev.writ.error.ExchangeException;
import dev.writ.exchange.ExchangeResult;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.token.IssuedToken;

/**
 * Runs a token exchange for the token endpoint and hands the result to Spring's response
 * handler, which writes {@code access_token}, {@code token_type}, {@code expires_in},
 * {@code scope} and (RFC 8693 §2.2.1) {@code issued_token_type}.
 */
final class TokenExchangeAuthenticationProvider implements AuthenticationProvider {

	private final TokenExchangeService exchange;

	TokenExchangeAuthenticationProvider(TokenExchangeService exchange) {
		this.exchange = exchange;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		TokenExchangeGrantAuthentication grant = (TokenExchangeGrantAuthentication) authentication;
		if (!(grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()
				|| client.getRegisteredClient() == null) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		try {
			ExchangeResult result = this.exchange.exchange(grant.form(), grant.dpop(), grant.certificate());
			IssuedCredential credential = result.credential();
			if (credential != null) {
				return credential(client, credential, result.issuedTokenType());
			}
			IssuedToken token = Objects.requireNonNull(result.token(), "a token or a credential");
			// RFC 9449 §5: a DPoP-bound token is answered as token_type DPoP; RFC 8705
			// §3:
			// a certificate-bound one as Bearer.
			OAuth2AccessToken accessToken = new OAuth2AccessToken(
					(token.boundTo() != null && token.boundTo().dpop()) ? OAuth2AccessToken.TokenType.DPOP
							: OAuth2AccessToken.TokenType.BEARER,
					token.value(), token.issuedAt(), token.expiresAt(), token.scopes());
			return new OAuth2AccessTokenAuthenticationToken(client.getRegisteredClient(), client, accessToken, null,
					Map.of("issued_token_type", result.issuedTokenType()));
		}
		catch (ExchangeException ex) {
			throw OAuth2Errors.toAuthenticationException(ex);
		}
	}

	// RFC 8693 §2.2.1: access_token carries the issued security token — here the
	// password — and token_type is N_A, for it is no access token. Only its username,
	// lease and expiry beside it.
	private static OAuth2AccessTokenAuthenticationToken credential(OAuth2ClientAuthenticationToken client,
			IssuedCredential credential, String issuedTokenType) {
		OAuth2AccessToken password = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, credential.password(),
				credential.issuedAt(), credential.expiresAt());
		Map<String, Object> parameters = new LinkedHashMap<>();
		parameters.put("issued_token_type", issuedTokenType);
		parameters.put("token_type", "N_A");
		parameters.put("username", credential.username());
		parameters.put("lease_id", credential.leaseId());
		parameters.put("target", credential.target().id());
		return new OAuth2AccessTokenAuthenticationToken(
				Objects.requireNonNull(client.getRegisteredClient(), "an authenticated client"), client, password, null,
				parameters);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return TokenExchangeGrantAuthentication.class.isAssignableFrom(authentication);
	}

}

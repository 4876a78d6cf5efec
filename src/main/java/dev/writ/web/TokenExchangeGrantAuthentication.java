package dev.writ.web;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;

import dev.writ.request.ExchangeRequest;

/** A parsed token-exchange request on its way from the converter to the provider. Holds no token in its parameters. */
final class TokenExchangeGrantAuthentication extends OAuth2AuthorizationGrantAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final transient ExchangeRequest request;

	TokenExchangeGrantAuthentication(Authentication clientPrincipal, ExchangeRequest request) {
		super(WorkloadClients.TOKEN_EXCHANGE, clientPrincipal, Map.of());
		this.request = request;
	}

	ExchangeRequest request() {
		return this.request;
	}

}

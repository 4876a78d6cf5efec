package dev.writ.web;

import java.util.List;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;

/**
 * A token-exchange request's form on its way from the converter to the provider. The form
 * is kept out of the authentication's parameters and its {@code toString}: it holds the
 * subject token.
 */
final class TokenExchangeGrantAuthentication extends OAuth2AuthorizationGrantAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final transient Map<String, List<String>> form;

	private final transient List<String> dpop;

	TokenExchangeGrantAuthentication(Authentication clientPrincipal, Map<String, List<String>> form,
			List<String> dpop) {
		super(WorkloadClients.TOKEN_EXCHANGE, clientPrincipal, Map.of());
		this.form = Map.copyOf(form);
		this.dpop = List.copyOf(dpop);
	}

	Map<String, List<String>> form() {
		return this.form;
	}

	/** Every value of the request's DPoP header: none for a bearer request. */
	List<String> dpop() {
		return this.dpop;
	}

}

package dev.writ.web;

import java.security.cert.X509Certificate;
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

	private final transient List<X509Certificate> certificate;

	TokenExchangeGrantAuthentication(Authentication clientPrincipal, Map<String, List<String>> form, List<String> dpop,
			List<X509Certificate> certificate) {
		super(WorkloadClients.TOKEN_EXCHANGE, clientPrincipal, Map.of());
		this.form = Map.copyOf(form);
		this.dpop = List.copyOf(dpop);
		this.certificate = List.copyOf(certificate);
	}

	/** The client certificate chain of a request over mutual TLS: none without one. */
	List<X509Certificate> certificate() {
		return this.certificate;
	}

	Map<String, List<String>> form() {
		return this.form;
	}

	/** Every value of the request's DPoP header: none for a bearer request. */
	List<String> dpop() {
		return this.dpop;
	}

}

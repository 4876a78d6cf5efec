package dev.writ.web;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationConverter;

import dev.writ.request.TokenTypes;

/**
 * Reads a token-exchange request from the token endpoint: the form, every parameter with
 * every value it was sent with, for the exchange to parse. How the request was sent
 * (POST, a form body, nothing in the query string, one {@code grant_type}) was checked
 * before, by {@link TokenEndpointTransportFilter}.
 */
final class TokenExchangeRequestConverter implements AuthenticationConverter {

	@Override
	public @Nullable Authentication convert(HttpServletRequest request) {
		// Not ours: Spring answers unsupported_grant_type or hands it to another
		// converter.
		if (!TokenTypes.GRANT_TYPE.equals(request.getParameter("grant_type"))) {
			return null;
		}
		Map<String, List<String>> form = new LinkedHashMap<>();
		request.getParameterMap().forEach((name, values) -> form.put(name, Arrays.asList(values)));
		// Spring's token endpoint authenticates the client before it converts the grant.
		Authentication client = Objects.requireNonNull(SecurityContextHolder.getContext().getAuthentication(),
				"no authenticated client");
		// RFC 9449 §4: the DPoP proof travels in its own header; every value is kept, so
		// that more than one is refused.
		List<String> dpop = Collections.list(request.getHeaders("DPoP"));
		// RFC 8705: the client certificate of a request over mutual TLS, whose key the
		// handshake proved; the container names it, leaf first.
		List<X509Certificate> certificate = (request
			.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain)
					? List.of(chain) : List.of();
		return new TokenExchangeGrantAuthentication(client, form, dpop, certificate);
	}

}

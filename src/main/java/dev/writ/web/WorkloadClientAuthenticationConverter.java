package dev.writ.web;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Lets a request at the token endpoint through client authentication without client
 * credentials (design.md §6, option a): for a token exchange, the subject token
 * authenticates the workload. The workload client may use the token-exchange grant only,
 * so any other grant is then refused as {@code unauthorized_client} or
 * {@code unsupported_grant_type}, not as a client failure. A request that does carry
 * client credentials (an {@code Authorization} header, {@code client_secret},
 * {@code client_assertion}) is left to the standard converters, which find no such client
 * and answer {@code invalid_client}. A {@code client_id} alone is tolerated and ignored.
 */
final class WorkloadClientAuthenticationConverter implements AuthenticationConverter {

	private final RequestMatcher tokenEndpoint;

	WorkloadClientAuthenticationConverter(RequestMatcher tokenEndpoint) {
		this.tokenEndpoint = tokenEndpoint;
	}

	@Override
	public @Nullable Authentication convert(HttpServletRequest request) {
		if (!this.tokenEndpoint.matches(request) || request.getHeader(HttpHeaders.AUTHORIZATION) != null
				|| request.getParameter("client_secret") != null || request.getParameter("client_assertion") != null
				|| request.getParameter("client_assertion_type") != null) {
			return null;
		}
		return new OAuth2ClientAuthenticationToken(WorkloadClients.WORKLOAD_CLIENT_ID, ClientAuthenticationMethod.NONE,
				null, null);
	}

}

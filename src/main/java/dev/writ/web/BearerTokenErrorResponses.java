package dev.writ.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The RFC 6750 §3 errors of the endpoints that take a Writ access token as bearer: 401
 * {@code invalid_token} without a valid token, 403 {@code insufficient_scope} when the
 * token lacks the endpoint's scope. The caller is authenticated before its body is read,
 * so without a valid token every request gets the same answer, whatever its body. Unlike
 * Spring's, the answer names no reason a token failed to decode, and points to no
 * protected-resource metadata document, which Writ does not serve.
 */
final class BearerTokenErrorResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		// RFC 6750 §3.1: a request without a token gets the bare challenge; one whose
		// token failed, invalid_token.
		boolean tokenSent = exception instanceof OAuth2AuthenticationException;
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, tokenSent ? "Bearer error=\"invalid_token\"" : "Bearer");
		OAuth2ErrorResponses.write(response, HttpServletResponse.SC_UNAUTHORIZED, OAuth2ErrorCodes.INVALID_TOKEN,
				"a valid bearer token for this server is required");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
			throws IOException {
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
		OAuth2ErrorResponses.write(response, HttpServletResponse.SC_FORBIDDEN, OAuth2ErrorCodes.INSUFFICIENT_SCOPE,
				"the token does not carry the scope this endpoint requires");
	}

}

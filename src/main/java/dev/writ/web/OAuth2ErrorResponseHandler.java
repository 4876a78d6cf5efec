package dev.writ.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

import dev.writ.error.ErrorCode;

/**
 * Writes a token endpoint error as RFC 6749 §5.2 JSON with the status its code calls for: 401 for
 * {@code invalid_client}, 429 for {@code slow_down} and 503 for {@code temporarily_unavailable} (both with
 * {@code Retry-After}), 500 for {@code server_error}, 400 otherwise.
 * (Spring's own handler answers 400 to everything.)
 */
final class OAuth2ErrorResponseHandler implements AuthenticationFailureHandler {

	private final OAuth2ErrorHttpMessageConverter converter = new OAuth2ErrorHttpMessageConverter();

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth2) ? oauth2.getError()
				: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
		response.setStatus(ErrorCode.fromCode(error.getErrorCode()).httpStatus());
		response.setHeader("Cache-Control", "no-store");
		if (exception instanceof OAuth2Errors.RetryLater retry) {
			response.setHeader("Retry-After", Long.toString(retry.seconds()));
		}
		this.converter.write(error, null, new ServletServerHttpResponse(response));
	}

}

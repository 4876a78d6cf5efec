package dev.writ.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.exchange.TokenExchangeService;

/**
 * Writes a token endpoint error as RFC 6749 §5.2 JSON with the status its code calls for:
 * 401 for {@code invalid_client}, 429 for {@code slow_down} and 503 for
 * {@code temporarily_unavailable} (both with {@code Retry-After}), 500 for
 * {@code server_error}, 400 otherwise. (Spring's own handler answers 400 to everything.)
 *
 * <p>
 * It audits every refusal the exchange service has not: those Spring makes before Writ's
 * exchange runs (a {@code grant_type} Writ does not serve, client credentials) get the
 * one audit event of a transport refusal. As the chain's entry point it answers a token
 * request that no client authentication converter took, one with an {@code Authorization}
 * header of a scheme Writ does not know: RFC 6749 §5.2 {@code invalid_client}.
 */
final class OAuth2ErrorResponseHandler implements AuthenticationFailureHandler, AuthenticationEntryPoint {

	private final TokenExchangeService exchange;

	OAuth2ErrorResponseHandler(TokenExchangeService exchange) {
		this.exchange = exchange;
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth2) ? oauth2.getError()
				: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
		// Writ's code for Spring's: the client and the audit event read the same one,
		// from ErrorCode's bounded set.
		ErrorCode code = ErrorCode.fromCode(error.getErrorCode());
		// Spring's description only where it is one an OAuth client may be sent (RFC 6749
		// §5.2's characters).
		String description = error.getDescription();
		String answered = (description != null && ExchangeException.isPublicDescription(description)) ? description
				: describe(code);
		error = new OAuth2Error(code.code(), answered, error.getUri());
		if (exception instanceof OAuth2Errors.AuditedRefusal refusal) {
			refusal.retryAfterSeconds()
				.ifPresent((seconds) -> response.setHeader("Retry-After", Long.toString(seconds)));
		}
		else {
			this.exchange.refuseTransport(new ExchangeException(code, answered));
		}
		OAuth2ErrorResponses.write(response, code.httpStatus(), error);
	}

	/**
	 * The handler of client authentication failures: each is {@code invalid_client} with
	 * 401 (RFC 6749 §5.2), a malformed {@code Authorization: Basic} header (an empty
	 * secret, say) included, which Spring answers {@code invalid_request}; with
	 * {@code WWW-Authenticate} when the client sent an {@code Authorization} header.
	 */
	AuthenticationFailureHandler clientAuthentication() {
		return (request, response, exception) -> {
			if (request.getHeader("Authorization") != null) {
				response.setHeader("WWW-Authenticate", "Basic realm=\"writ\"");
			}
			onAuthenticationFailure(request, response, new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, OAuth2Errors.NO_CLIENT_SECRETS, null)));
		};
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		onAuthenticationFailure(request, response, new OAuth2AuthenticationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, OAuth2Errors.NO_CLIENT_SECRETS, null)));
	}

	// Spring leaves some of its errors undescribed, such as unauthorized_client for a
	// grant the client may not use.
	private static String describe(ErrorCode code) {
		return switch (code) {
			case UNAUTHORIZED_CLIENT -> OAuth2Errors.EXCHANGE_ONLY;
			case INVALID_CLIENT -> OAuth2Errors.NO_CLIENT_SECRETS;
			default -> "the token request was refused";
		};
	}

}

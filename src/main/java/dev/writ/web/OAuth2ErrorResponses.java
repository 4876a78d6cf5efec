package dev.writ.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;

/**
 * Errors in one shape: RFC 6749 §5.2 JSON ({@code error}, {@code error_description}, and {@code error_uri} where
 * Spring sets one) with {@code Cache-Control: no-store}. Errors are written straight to the servlet response, not through content negotiation, so that no {@code Accept}
 * header can turn an error into a different error.
 */
final class OAuth2ErrorResponses {

	private static final OAuth2ErrorHttpMessageConverter converter = new OAuth2ErrorHttpMessageConverter();

	private OAuth2ErrorResponses() {
	}

	/** Writes {@code error} with {@code status}. */
	static void write(HttpServletResponse response, int status, OAuth2Error error) throws IOException {
		response.setStatus(status);
		response.setHeader("Cache-Control", "no-store");
		converter.write(error, null, new ServletServerHttpResponse(response));
	}

	/** Writes the error {@code code} with {@code status} and {@code description}. */
	static void write(HttpServletResponse response, int status, String code, String description) throws IOException {
		write(response, status, new OAuth2Error(code, description, null));
	}

}

package dev.writ.web;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;

import dev.writ.error.ErrorCode;

/**
 * Every error Writ answers, at any endpoint, in one shape: RFC 6749 §5.2 JSON
 * ({@code error}, {@code error_description}, and {@code error_uri} where Spring sets one)
 * with {@code Cache-Control: no-store}. Errors are written straight to the servlet
 * response, not through content negotiation, so that no {@code Accept} header can turn an
 * error into a different error.
 */
final class OAuth2ErrorResponses {

	/**
	 * Writ's code for a path it does not serve. RFC 6749 defines none (its codes are for
	 * requests to an endpoint), and {@code invalid_request} would tell a client to fix
	 * its parameters when the problem is the URL.
	 */
	static final String NOT_FOUND = "not_found";

	private static final OAuth2ErrorHttpMessageConverter converter = new OAuth2ErrorHttpMessageConverter();

	private OAuth2ErrorResponses() {
	}

	/** Writes {@code error} with {@code status}. */
	static void write(HttpServletResponse response, int status, OAuth2Error error) throws IOException {
		response.setStatus(status);
		response.setHeader("Cache-Control", "no-store");
		converter.write(error, null, new ServletServerHttpResponse(response));
	}

	/**
	 * Writes the error {@code code} with {@code status} and {@code description}: for the
	 * codes {@link ErrorCode} does not define (RFC 6750's bearer token errors,
	 * {@link #NOT_FOUND}).
	 */
	static void write(HttpServletResponse response, int status, String code, String description) throws IOException {
		write(response, status, new OAuth2Error(code, description, null));
	}

	/**
	 * Writes {@code code} with {@code status}, which a transport refusal may set apart
	 * from the code's.
	 */
	static void write(HttpServletResponse response, int status, ErrorCode code, String description) throws IOException {
		write(response, status, code.code(), description);
	}

	/**
	 * Writes the error a bare status stands for, described by its reason phrase and
	 * nothing of the request.
	 */
	static void write(HttpServletResponse response, int status) throws IOException {
		HttpStatus known = HttpStatus.resolve(status);
		String description = (known != null) ? known.getReasonPhrase().toLowerCase(Locale.ROOT) : "error " + status;
		write(response, status, codeFor(status), description);
	}

	/** The same error as a controller's answer, with the status its code calls for. */
	static ResponseEntity<Map<String, Object>> entity(ErrorCode code, String description) {
		return entity(ResponseEntity.status(code.httpStatus()), code, description);
	}

	/**
	 * The same error as a controller's answer, to be retried after
	 * {@code retryAfterSeconds} (RFC 9110 §10.2.3).
	 */
	static ResponseEntity<Map<String, Object>> entity(ErrorCode code, String description, long retryAfterSeconds) {
		return entity(ResponseEntity.status(code.httpStatus())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds)), code, description);
	}

	private static ResponseEntity<Map<String, Object>> entity(ResponseEntity.BodyBuilder status, ErrorCode code,
			String description) {
		return status.cacheControl(CacheControl.noStore())
			.body(Map.of("error", code.code(), "error_description", description));
	}

	// RFC 6749 §5.2 has invalid_request for every malformed request, §4.1.2.1
	// server_error and temporarily_unavailable.
	private static String codeFor(int status) {
		if (status == HttpServletResponse.SC_NOT_FOUND) {
			return NOT_FOUND;
		}
		if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
			return ErrorCode.TEMPORARILY_UNAVAILABLE.code();
		}
		return ((status >= 500) ? ErrorCode.SERVER_ERROR : ErrorCode.INVALID_REQUEST).code();
	}

}

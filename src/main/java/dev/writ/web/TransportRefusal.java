package dev.writ.web;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;

import dev.writ.error.ErrorCode;

/**
 * A request turned away for how it was sent, before any endpoint read it: the status to
 * answer, the error code and what the client is told. Nothing of the request is in the
 * description.
 *
 * @param status the HTTP status
 * @param code the error code: {@code invalid_request} unless said otherwise
 * @param description what the client is told
 */
record TransportRefusal(int status, ErrorCode code, String description) {

	TransportRefusal(int status, String description) {
		this(status, ErrorCode.INVALID_REQUEST, description);
	}

	/**
	 * The refusal of a token request that found no turn to compute within
	 * {@code writ.exchanges.max-queue-wait}: the node is overloaded, for now.
	 */
	static TransportRefusal busy() {
		return new TransportRefusal(HttpServletResponse.SC_SERVICE_UNAVAILABLE, ErrorCode.TEMPORARILY_UNAVAILABLE,
				"the server is busy; retry after the time Retry-After gives");
	}

	/**
	 * The refusal of a form body Tomcat could not parse. Tomcat 11 throws its
	 * {@link InvalidParameterException} from the first {@code getParameter} call, with
	 * 413 for a body over {@code server.tomcat.max-http-form-post-size} and 400 for one
	 * it cannot decode (such as {@code %zz}) or with too many parameters.
	 */
	static TransportRefusal unreadableForm(InvalidParameterException ex) {
		if (ex.getErrorCode() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE) {
			return new TransportRefusal(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
					"the request body is larger than the server accepts");
		}
		return new TransportRefusal(HttpServletResponse.SC_BAD_REQUEST, "the request body could not be read as a form");
	}

}

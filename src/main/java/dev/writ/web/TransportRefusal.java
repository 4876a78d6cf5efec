package dev.writ.web;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;

/**
 * A request turned away for how it was sent, before any endpoint read it: the status to answer and what the client
 * is told, always as {@code invalid_request}. Nothing of the request is in the description.
 *
 * @param status the HTTP status
 * @param description what the client is told
 */
record TransportRefusal(int status, String description) {

	/**
	 * The refusal of a form body Tomcat could not parse. Tomcat 11 throws its {@link InvalidParameterException} from
	 * the first {@code getParameter} call, with 413 for a body over {@code server.tomcat.max-http-form-post-size}
	 * and 400 for one it cannot decode (such as {@code %zz}) or with too many parameters.
	 */
	static TransportRefusal unreadableForm(InvalidParameterException ex) {
		if (ex.getErrorCode() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE) {
			return new TransportRefusal(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
					"the request body is larger than the server accepts");
		}
		return new TransportRefusal(HttpServletResponse.SC_BAD_REQUEST, "the request body could not be read as a form");
	}

}

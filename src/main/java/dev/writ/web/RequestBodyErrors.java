package dev.writ.web;

import java.io.IOException;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;

import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.writ.error.ErrorCode;

/**
 * A request body Writ's controllers cannot read — malformed JSON, the wrong content type,
 * a form Tomcat cannot parse — answered as {@code invalid_request}: 400, or 413 for a
 * form over the limit. The wrong content type is a 400 (not Spring's 415), as at the
 * token endpoint. What Spring's message says of the body is never echoed. Any other error
 * status of a controller ends at {@link ErrorPageController}.
 */
// Not confined to Writ's controllers: a content type no mapping consumes is refused
// before any controller is chosen.
@RestControllerAdvice
class RequestBodyErrors {

	@ExceptionHandler
	void unreadable(HttpMessageNotReadableException ex, HttpServletResponse response) throws IOException {
		OAuth2ErrorResponses.write(response, HttpServletResponse.SC_BAD_REQUEST, ErrorCode.INVALID_REQUEST,
				"the request body could not be read");
	}

	@ExceptionHandler
	void unsupported(HttpMediaTypeNotSupportedException ex, HttpServletResponse response) throws IOException {
		String supported = ex.getSupportedMediaTypes()
			.stream()
			.map((type) -> type.getType() + "/" + type.getSubtype())
			.collect(Collectors.joining(" or "));
		OAuth2ErrorResponses.write(response, HttpServletResponse.SC_BAD_REQUEST, ErrorCode.INVALID_REQUEST,
				supported.isEmpty() ? "the request body has an unsupported content type"
						: "the request body must be " + supported);
	}

	// Thrown by Tomcat when a controller first reads a form's parameters (see
	// TransportRefusal).
	@ExceptionHandler
	void unparsable(InvalidParameterException ex, HttpServletResponse response) throws IOException {
		TransportRefusal refusal = TransportRefusal.unreadableForm(ex);
		OAuth2ErrorResponses.write(response, refusal.status(), refusal.code(), refusal.description());
	}

}

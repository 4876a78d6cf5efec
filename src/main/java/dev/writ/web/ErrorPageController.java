package dev.writ.web;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Writ's error page, in place of Spring Boot's whitelabel page and error JSON. What ends
 * in an error status without an answer of Writ's own — Spring MVC's {@code sendError} for
 * a wrong method or an {@code Accept} it cannot serve, an exception no handler took —
 * reaches the error page by the servlet container's error dispatch, and is answered here
 * as RFC 6749 §5.2 JSON with that status, described by its reason phrase: nothing of the
 * failure is echoed. A request for the error page itself is no error dispatch; the
 * default chain answers it 404, like any path Writ does not serve.
 */
@RestController
class ErrorPageController implements ErrorController {

	@RequestMapping("${spring.web.error.path:/error}")
	void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		int status = (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) ? code
				: HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
		OAuth2ErrorResponses.write(response, status);
	}

}

package dev.writ.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.gate.ComputeGate;
import dev.writ.request.TokenTypes;

/**
 * Checks how a request to the token endpoint was sent, before Spring's filters read it,
 * and turns away, audited like every refusal, one that is not a token request. Left to
 * Spring, a wrong method or a body Tomcat cannot parse would end in an exception and the
 * servlet container's error page, and a request without {@code grant_type} would be
 * refused before Writ's converter saw it. In order:
 *
 * <ol>
 * <li>the method: RFC 6749 §3.2, POST only; 405 with {@code Allow: POST} (RFC 9110
 * §15.5.6);</li>
 * <li>the body: RFC 6749 §3.2, {@code application/x-www-form-urlencoded};</li>
 * <li>the query string: empty, since parameters there would reach access logs;</li>
 * <li>the form as Tomcat parses it: 413 over the form limit, 400 for one it cannot
 * decode;</li>
 * <li>{@code grant_type}: required (RFC 6749 §4.4.2, RFC 8693 §2.1), sent once (RFC 6749
 * §3.2), and token exchange: every other grant is {@code unsupported_grant_type}.</li>
 * </ol>
 * This filter must read the parameters first: Tomcat throws a decoding failure only from
 * the first call, and later calls see whatever parameters came before the failure.
 *
 * <p>
 * A token request that passes then waits for its turn at the {@link ComputeGate}: only
 * once its whole body is read, so that a client sending slowly holds no place, and at
 * most {@code maxQueueWait}, after which it is refused with 503 and {@code Retry-After}.
 */
final class TokenEndpointTransportFilter extends OncePerRequestFilter {

	private final RequestMatcher tokenEndpoint;

	private final TokenExchangeService exchange;

	private final ComputeGate gate;

	private final Duration maxQueueWait;

	/**
	 * @param tokenEndpoint the token endpoint, whatever the method
	 * @param exchange audits each refusal
	 * @param gate how many token requests compute at once
	 * @param maxQueueWait how long a token request waits for its turn
	 */
	TokenEndpointTransportFilter(RequestMatcher tokenEndpoint, TokenExchangeService exchange, ComputeGate gate,
			Duration maxQueueWait) {
		this.tokenEndpoint = tokenEndpoint;
		this.exchange = exchange;
		this.gate = gate;
		this.maxQueueWait = maxQueueWait;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.tokenEndpoint.matches(request)) {
			chain.doFilter(request, response);
			return;
		}
		TransportRefusal refusal = check(request);
		if (refusal != null) {
			refuse(response, refusal);
			return;
		}
		if (!this.gate.enter(this.maxQueueWait)) {
			refuse(response, TransportRefusal.busy());
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.gate.leave();
		}
	}

	private void refuse(HttpServletResponse response, TransportRefusal refusal) throws IOException {
		ExchangeException refused = this.exchange
			.refuseTransport(new ExchangeException(refusal.code(), refusal.description()));
		if (refusal.status() == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
			response.setHeader(HttpHeaders.ALLOW, HttpMethod.POST.name());
		}
		if (refusal.status() == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
			response.setHeader(HttpHeaders.RETRY_AFTER, "1");
		}
		OAuth2ErrorResponses.write(response, refusal.status(), refused.errorCode(), refused.description());
	}

	private static @Nullable TransportRefusal check(HttpServletRequest request) {
		if (!HttpMethod.POST.matches(request.getMethod())) {
			return new TransportRefusal(HttpServletResponse.SC_METHOD_NOT_ALLOWED,
					"the token endpoint accepts POST only");
		}
		// No grant is sent any other way (RFC 6749 §3.2), whatever the grant_type a JSON
		// body might hold.
		if (!isForm(request.getContentType())) {
			return badRequest("the request body must be a form (application/x-www-form-urlencoded), as RFC 6749 3.2 "
					+ "says; " + OAuth2Errors.EXCHANGE_ONLY);
		}
		if (request.getQueryString() != null) {
			return badRequest("parameters must be sent in the request body, not the query string");
		}
		String[] grantTypes;
		try {
			grantTypes = request.getParameterValues("grant_type");
		}
		catch (InvalidParameterException ex) {
			return TransportRefusal.unreadableForm(ex);
		}
		if (grantTypes == null || grantTypes.length != 1) {
			return badRequest("grant_type must be sent once");
		}
		// Every other grant, whatever Spring would make of it (unauthorized_client for
		// client credentials,
		// invalid_grant for a code): RFC 6749 5.2, a grant type this server does not
		// support.
		if (!TokenTypes.GRANT_TYPE.equals(grantTypes[0])) {
			return new TransportRefusal(HttpServletResponse.SC_BAD_REQUEST, ErrorCode.UNSUPPORTED_GRANT_TYPE,
					("client_credentials".equals(grantTypes[0]) ? "Writ has no client credentials: " : "")
							+ OAuth2Errors.EXCHANGE_ONLY);
		}
		return null;
	}

	private static TransportRefusal badRequest(String description) {
		return new TransportRefusal(HttpServletResponse.SC_BAD_REQUEST, description);
	}

	private static boolean isForm(String contentType) {
		if (contentType == null) {
			return false;
		}
		try {
			return MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

}

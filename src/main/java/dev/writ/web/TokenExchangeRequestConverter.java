package dev.writ.web;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationConverter;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.request.TokenTypes;

/**
 * Reads a token-exchange request from the token endpoint. RFC 6749 §3.2 requires the body to be
 * {@code application/x-www-form-urlencoded}; Writ also refuses parameters in the query string, where they would
 * reach access logs. Every other check is the exchange's own, which parses the form. Both refusals are audited like
 * every other.
 */
final class TokenExchangeRequestConverter implements AuthenticationConverter {

	private final TokenExchangeService exchange;

	TokenExchangeRequestConverter(TokenExchangeService exchange) {
		this.exchange = exchange;
	}

	@Override
	public Authentication convert(HttpServletRequest request) {
		try {
			// No grant is sent any other way (RFC 6749 §3.2), whatever the grant_type a JSON body might hold.
			if (!isForm(request.getContentType())) {
				throw new ExchangeException(ErrorCode.INVALID_REQUEST,
						"the request body must be application/x-www-form-urlencoded");
			}
			if (!TokenTypes.GRANT_TYPE.equals(request.getParameter("grant_type"))) {
				return null; // not ours: Spring answers unsupported_grant_type or hands it to another converter
			}
			if (request.getQueryString() != null) {
				throw new ExchangeException(ErrorCode.INVALID_REQUEST,
						"parameters must be sent in the request body, not the query string");
			}
			Map<String, List<String>> form = new LinkedHashMap<>();
			request.getParameterMap().forEach((name, values) -> form.put(name, Arrays.asList(values)));
			Authentication client = SecurityContextHolder.getContext().getAuthentication();
			return new TokenExchangeGrantAuthentication(client, form);
		}
		catch (ExchangeException ex) {
			throw OAuth2Errors.toAuthenticationException(this.exchange.refuseTransport(ex));
		}
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

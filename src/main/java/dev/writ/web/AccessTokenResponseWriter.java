package dev.writ.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * Writes the token endpoint's answer (RFC 6749 §5.1, RFC 8693 §2.2.1): the fields
 * Spring's own handler writes ({@code access_token}, {@code token_type},
 * {@code expires_in}, {@code scope}, a refresh token if there were one, and the
 * additional parameters such as {@code issued_token_type}), as one JSON object, without
 * Spring's message converters: they resolved the body's type and built a Jackson
 * generator for each answer, 8% of an exchange's CPU under load (docs/benchmarks.md). The
 * caching headers ({@code Cache-Control: no-store}) are the security chain's, as before.
 */
final class AccessTokenResponseWriter implements AuthenticationSuccessHandler {

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException {
		if (!(authentication instanceof OAuth2AccessTokenAuthenticationToken issued)) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR,
					"unable to process the access token response", null));
		}
		byte[] body = JSONObjectUtils.toJSONString(fields(issued)).getBytes(StandardCharsets.UTF_8);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	static Map<String, Object> fields(OAuth2AccessTokenAuthenticationToken issued) {
		OAuth2AccessToken token = issued.getAccessToken();
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("access_token", token.getTokenValue());
		fields.put("token_type", token.getTokenType().getValue());
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt != null && expiresAt != null) {
			fields.put("expires_in", Duration.between(issuedAt, expiresAt).toSeconds());
		}
		if (!token.getScopes().isEmpty()) {
			fields.put("scope", String.join(" ", token.getScopes()));
		}
		OAuth2RefreshToken refresh = issued.getRefreshToken();
		if (refresh != null) {
			fields.put("refresh_token", refresh.getTokenValue());
		}
		// A credential's token_type is N_A (RFC 8693 §2.2.1): not an access token.
		issued.getAdditionalParameters()
			.forEach((name, value) -> fields.merge(name, value,
					(ours, theirs) -> "token_type".equals(name) ? theirs : ours));
		return fields;
	}

}

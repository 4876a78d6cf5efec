package dev.writ.web;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AccessTokenResponseWriterTests {

	private static final Instant ISSUED = Instant.parse("2026-12-03T12:00:00Z");

	@Test
	void writesWhatSpringsOwnHandlerWrites() throws Exception {
		OAuth2AccessTokenAuthenticationToken issued = issued(Set.of("payments:charge", "payments:refund"), null);
		Map<String, Object> ours = written(new AccessTokenResponseWriter(), issued);
		Map<String, Object> springs = written(new OAuth2AccessTokenResponseAuthenticationSuccessHandler(), issued);
		assertThat(ours).containsOnlyKeys(springs.keySet())
			.containsEntry("access_token", "eyJ.a\"quoted\\value.sig")
			.containsEntry("token_type", "Bearer")
			.containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
			.containsEntry("scope", springs.get("scope"));
		// The token's lifetime (RFC 6749 5.1); Spring's counts from the moment it writes,
		// a second less once a millisecond has passed.
		assertThat(((Number) ours.get("expires_in")).longValue()).isEqualTo(300);
		assertThat(((Number) springs.get("expires_in")).longValue()).isBetween(299L, 300L);
	}

	@Test
	void noScopeAndARefreshTokenAsSpringsOwnHandler() throws Exception {
		OAuth2AccessTokenAuthenticationToken issued = issued(Set.of(),
				new OAuth2RefreshToken("refresh", ISSUED, ISSUED.plusSeconds(600)));
		Map<String, Object> springs = written(new OAuth2AccessTokenResponseAuthenticationSuccessHandler(), issued);
		assertThat(written(new AccessTokenResponseWriter(), issued)).containsOnlyKeys(springs.keySet())
			.doesNotContainKey("scope")
			.containsEntry("refresh_token", "refresh");
	}

	@Test
	void answersJsonInUtf8() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		new AccessTokenResponseWriter().onAuthenticationSuccess(new MockHttpServletRequest(), response,
				issued(Set.of("read"), null));
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentType()).isEqualTo("application/json;charset=UTF-8");
		assertThat(response.getContentLength()).isEqualTo(response.getContentAsByteArray().length);
	}

	@Test
	void anythingButAnIssuedTokenIsAServerError() {
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> new AccessTokenResponseWriter().onAuthenticationSuccess(new MockHttpServletRequest(),
					new MockHttpServletResponse(), new TestingAuthenticationToken("someone", "x")))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("server_error"));
	}

	private static Map<String, Object> written(
			org.springframework.security.web.authentication.AuthenticationSuccessHandler handler,
			OAuth2AccessTokenAuthenticationToken issued) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		handler.onAuthenticationSuccess(new MockHttpServletRequest(), response, issued);
		return JSONObjectUtils.parse(response.getContentAsString());
	}

	private static OAuth2AccessTokenAuthenticationToken issued(Set<String> scopes, OAuth2RefreshToken refresh) {
		WorkloadClients clients = new WorkloadClients();
		OAuth2ClientAuthenticationToken client = new OAuth2ClientAuthenticationToken(clients.workload(),
				ClientAuthenticationMethod.NONE, null);
		OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "eyJ.a\"quoted\\value.sig",
				ISSUED, ISSUED.plusSeconds(300), scopes);
		return new OAuth2AccessTokenAuthenticationToken(clients.workload(), client, token, refresh,
				Map.of("issued_token_type", "urn:ietf:params:oauth:token-type:access_token"));
	}

}

package org.example.payments;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Asks Writ whether an access token is still active (RFC 7662), for the calls where a revoked token must stop at
 * once. Offline validation against the JWKS cannot see a revocation: a revoked token passes it until it expires.
 * <p>
 * Writ answers only a caller that holds a Writ token for Writ itself with scope {@code writ:introspect}. This service
 * gets one the way any workload gets a token: by exchanging its own identity token, which a helper keeps fresh in a
 * file (spiffe-helper's JWT-SVID, a Kubernetes projected service-account token). There is no client secret. The
 * token is kept until a fifth of its lifetime remains, so introspection costs one call, not an exchange and a call.
 * <p>
 * Anything short of Writ's {@code active: true} for this very token ({@code jti}) fails closed: inactive is a
 * refusal, and no answer at all is {@link Unavailable}.
 */
final class WritIntrospection {

	private static final Logger logger = LoggerFactory.getLogger(WritIntrospection.class);

	private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	private static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

	private final RestClient http;

	private final String tokenUri;

	private final String introspectionUri;

	private final String writIssuer;

	private final Path identityTokenFile;

	private final Clock clock;

	private CallerToken caller; // guarded by this

	WritIntrospection(String writIssuer, String tokenUri, String introspectionUri, Path identityTokenFile,
			Duration timeout, Clock clock) {
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(timeout).build());
		requests.setReadTimeout(timeout);
		this.http = RestClient.builder().requestFactory(requests).build();
		this.writIssuer = writIssuer;
		this.tokenUri = tokenUri;
		this.introspectionUri = introspectionUri;
		this.identityTokenFile = identityTokenFile;
		this.clock = clock;
	}

	/**
	 * Whether Writ still holds {@code token} active.
	 * @throws Unavailable when Writ cannot be asked or does not answer
	 */
	boolean active(Jwt token) {
		for (int attempt = 1;; attempt++) {
			String bearer = callerToken();
			try {
				Map<?, ?> answer = this.http.post()
					.uri(this.introspectionUri)
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
					.contentType(MediaType.APPLICATION_FORM_URLENCODED)
					.body(form("token", token.getTokenValue()))
					.retrieve()
					.body(Map.class);
				return answer != null && Boolean.TRUE.equals(answer.get("active"))
						&& String.valueOf(token.getId()).equals(String.valueOf(answer.get("jti")));
			}
			catch (RestClientResponseException ex) {
				if (ex.getStatusCode().value() == 401 && attempt == 1) {
					forget(bearer); // this service's own token was revoked or expired early: exchange again, once
					continue;
				}
				throw unavailable("Writ's introspection answered " + ex.getStatusCode().value());
			}
			catch (RestClientException ex) {
				throw unavailable("Writ's introspection could not be reached (" + ex.getMostSpecificCause().getClass().getSimpleName() + ")");
			}
		}
	}

	/** This service's token for Writ's introspection: the kept one, or a new one by exchange. */
	private synchronized String callerToken() {
		Instant now = this.clock.instant();
		if (this.caller != null && now.isBefore(this.caller.renewAt())) {
			return this.caller.value();
		}
		String identity;
		try {
			identity = Files.readString(this.identityTokenFile, StandardCharsets.US_ASCII).strip();
		}
		catch (IOException ex) {
			throw unavailable("this service's identity token cannot be read from " + this.identityTokenFile + " ("
					+ ex.getClass().getSimpleName() + ")");
		}
		MultiValueMap<String, String> exchange = form("grant_type", TOKEN_EXCHANGE);
		exchange.add("subject_token_type", JWT);
		exchange.add("subject_token", identity);
		exchange.add("audience", this.writIssuer);
		exchange.add("scope", "writ:introspect");
		try {
			Map<?, ?> issued = this.http.post()
				.uri(this.tokenUri)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(exchange)
				.retrieve()
				.body(Map.class);
			if (issued == null || !(issued.get("access_token") instanceof String value)
					|| !(issued.get("expires_in") instanceof Number expiresIn)) {
				throw unavailable("Writ's token endpoint answered without an access token");
			}
			this.caller = new CallerToken(value, now.plusSeconds(expiresIn.longValue() * 4 / 5));
			return value;
		}
		catch (RestClientResponseException ex) {
			// Writ's error and description name the cause (no grant for this service, an expired identity token)
			// and hold no secret.
			String answer = ex.getResponseBodyAsString(StandardCharsets.UTF_8);
			throw unavailable("Writ refused this service's token exchange: " + ex.getStatusCode().value() + " "
					+ answer.substring(0, Math.min(answer.length(), 300)));
		}
		catch (RestClientException ex) {
			throw unavailable("Writ's token endpoint could not be reached (" + ex.getMostSpecificCause().getClass().getSimpleName() + ")");
		}
	}

	private synchronized void forget(String bearer) {
		if (this.caller != null && this.caller.value().equals(bearer)) {
			this.caller = null;
		}
	}

	private static MultiValueMap<String, String> form(String name, String value) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add(name, value);
		return form;
	}

	private static Unavailable unavailable(String reason) {
		logger.warn("cannot confirm a token with Writ: {}", reason);
		return new Unavailable(reason);
	}

	private record CallerToken(String value, Instant renewAt) {
	}

	/**
	 * Writ could not say whether the token is active: the call is refused, as a 503, and may be retried. Not an
	 * {@code AuthenticationServiceException}, which Spring Security rethrows past the entry point as a 500.
	 */
	static final class Unavailable extends AuthenticationException {

		Unavailable(String reason) {
			super(reason);
		}

	}

}

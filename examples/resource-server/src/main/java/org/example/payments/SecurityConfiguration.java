package org.example.payments;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Accepts Writ's access tokens (RFC 9068) and nothing else. The checks every token gets come from Writ's
 * resource-server starter, configured by {@code writ.issuer} and {@code writ.resource-server.audience}: the signature
 * by a key of Writ's JWKS ({@code kid}; refetched for an unknown one, and Writ publishes each new key an hour before
 * it signs with it), {@code typ: at+jwt} (not an ID token or a workload's own JWT-SVID), {@code iss} this Writ,
 * {@code aud} this service, {@code exp} and {@code nbf}. Here: the scope each endpoint needs ({@code SCOPE_...}),
 * and for charges Writ's introspection besides: see {@link #charges}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final String CHARGE = "payments:charge";

	/**
	 * Charges are the high-value call: after the offline checks, Writ is asked whether the token is still active, so
	 * a revoked token stops here at once (401 {@code invalid_token}) instead of when it expires. The offline checks
	 * come first, and the scope, so a forged or foreign token, or one without the scope, never makes this service
	 * call Writ. When Writ cannot answer, the charge is refused with 503 and {@code Retry-After}: never served on a
	 * token that might be revoked.
	 */
	@Bean
	@Order(1)
	SecurityFilterChain charges(HttpSecurity http, JwtDecoder jwtDecoder, WritIntrospection writ) throws Exception {
		JwtDecoder stillActive = (token) -> {
			Jwt jwt = jwtDecoder.decode(token);
			if (!hasScope(jwt, CHARGE)) {
				return jwt; // refused next, with 403: no reason to ask Writ
			}
			if (!writ.active(jwt)) {
				throw new BadJwtException("The token is no longer active");
			}
			return jwt;
		};
		BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
		AuthenticationEntryPoint entryPoint = (request, response, failure) -> {
			if (failure instanceof WritIntrospection.Unavailable) {
				response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
				response.setHeader(HttpHeaders.RETRY_AFTER, "1");
				response.setContentType(MediaType.APPLICATION_JSON_VALUE);
				response.getWriter().write("{\"error\":\"cannot confirm that the token is still active; try again\"}");
				return;
			}
			bearer.commence(request, response, failure);
		};
		http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/payments/charges"))
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().hasAuthority("SCOPE_" + CHARGE))
			.oauth2ResourceServer((resource) -> resource.jwt((jwt) -> jwt.decoder(stillActive))
				.dPoP((dpop) -> { })
				.authenticationEntryPoint(entryPoint));
		return stateless(http).build();
	}

	/** Everything else: the offline checks alone, so a revoked token passes here until it expires. */
	@Bean
	@Order(2)
	SecurityFilterChain api(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers(HttpMethod.GET, "/payments").hasAuthority("SCOPE_payments:read")
				.anyRequest().denyAll())
			// DPoP-bound tokens (RFC 9449) with a proof of their key for this very request; such a token sent as a
			// plain bearer token is refused by Spring Security itself (since 6.5).
			.oauth2ResourceServer((resource) -> resource.jwt((jwt) -> { }).dPoP((dpop) -> { }));
		return stateless(http).build();
	}

	private static boolean hasScope(Jwt jwt, String scope) {
		return jwt.getClaimAsString("scope") != null && List.of(jwt.getClaimAsString("scope").split(" ")).contains(scope);
	}

	private static HttpSecurity stateless(HttpSecurity http) throws Exception {
		return http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable()); // bearer tokens, no cookies
	}

	@Bean
	WritIntrospection writIntrospection(@Value("${writ.issuer}") String issuer, @Value("${writ.token-uri}") String tokenUri,
			@Value("${writ.introspection-uri}") String introspectionUri,
			@Value("${payments.identity-token-file}") Path identityTokenFile) {
		return new WritIntrospection(issuer, tokenUri, introspectionUri, identityTokenFile, Duration.ofSeconds(2),
				Clock.systemUTC());
	}

}

package dev.writ.web;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.writ.config.WritProperties;
import dev.writ.gate.ComputeGate;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.store.StoreUnavailableException;
import dev.writ.token.TokenStatus;
import dev.writ.trust.CompactJws;

/**
 * The chain of the endpoints that resource servers and admins call: introspection,
 * revocation and the admin endpoints. Callers present a Writ access token (RFC 9068,
 * {@code typ: at+jwt}) issued by this Writ, with this Writ's own issuer as audience,
 * carrying the scope the endpoint needs:
 *
 * <ul>
 * <li>{@code POST /oauth2/introspect}: {@code writ:introspect} (RFC 7662 §2.1 allows a
 * bearer token);</li>
 * <li>{@code POST /oauth2/revoke}: none — the token to revoke is its own proof (RFC
 * 7009);</li>
 * <li>{@code POST /admin/revocations}: {@code writ:revoke};</li>
 * <li>{@code POST /admin/explain}: {@code writ:explain}, and only when
 * {@code writ.admin.explain} is on (off, it is not found);</li>
 * <li>{@code GET /admin/governance}: {@code writ:governance};</li>
 * <li>{@code GET /admin/leases}, {@code POST /admin/leases/revoke}:
 * {@code writ:leases}.</li>
 * </ul>
 * A resource server or admin gets such a token by exchange, like any workload: who may
 * introspect, revoke or explain is itself a grant, and no static secret exists. Tokens
 * are validated offline against Writ's own published keys. Errors are RFC 6750's, as JSON
 * ({@link BearerTokenErrorResponses}).
 */
@Configuration(proxyBeanMethods = false)
class ProtectedEndpointsConfiguration {

	static final String INTROSPECT_SCOPE = "writ:introspect";

	static final String REVOKE_SCOPE = "writ:revoke";

	static final String EXPLAIN_SCOPE = "writ:explain";

	static final String GOVERNANCE_SCOPE = "writ:governance";

	static final String LEASES_SCOPE = "writ:leases";

	@Bean
	@Order(0)
	SecurityFilterChain protectedEndpointsChain(HttpSecurity http, JWKSource<SecurityContext> keys,
			AuthorizationServerSettings settings, TokenStatus status, ComputeGate gate, WritProperties properties,
			@Value("${writ.admin.explain:false}") boolean explain) throws Exception {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys)
			.jwsAlgorithms((algorithms) -> algorithms
				.addAll(List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.RS256)))
			.build();
		String issuer = Objects.requireNonNull(settings.getIssuer(), "WritConfiguration sets the issuer");
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTypeValidator("at+jwt"),
				new JwtTimestampValidator(), new JwtIssuerValidator(issuer),
				new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(issuer)),
				// A bound token is its holder's only: these endpoints take no
				// proofs yet, so they refuse it rather than take it as bearer.
				unbound(), notRevoked(status)));
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		// These endpoints and no others: any other path, and explain while it is off, is
		// the default chain's, which
		// answers 404 to everyone.
		List<RequestMatcher> endpoints = new ArrayList<>(List.of(paths.matcher("/oauth2/introspect"),
				paths.matcher("/oauth2/revoke"), paths.matcher("/admin/revocations"),
				paths.matcher(HttpMethod.GET, "/admin/governance"), paths.matcher(HttpMethod.GET, "/admin/leases"),
				paths.matcher(HttpMethod.POST, "/admin/leases/revoke")));
		if (explain) {
			endpoints.add(paths.matcher("/admin/explain"));
		}
		BearerTokenErrorResponses errors = new BearerTokenErrorResponses();
		http.securityMatcher(new OrRequestMatcher(endpoints))
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(paths.matcher("/oauth2/revoke"))
				.permitAll()
				.requestMatchers(paths.matcher("/oauth2/introspect"))
				.hasAuthority("SCOPE_" + INTROSPECT_SCOPE)
				.requestMatchers(paths.matcher("/admin/revocations"))
				.hasAuthority("SCOPE_" + REVOKE_SCOPE)
				.requestMatchers(paths.matcher("/admin/explain"))
				.hasAuthority("SCOPE_" + EXPLAIN_SCOPE)
				.requestMatchers(paths.matcher(HttpMethod.GET, "/admin/governance"))
				.hasAuthority("SCOPE_" + GOVERNANCE_SCOPE)
				.requestMatchers(paths.matcher(HttpMethod.GET, "/admin/leases"),
						paths.matcher(HttpMethod.POST, "/admin/leases/revoke"))
				.hasAuthority("SCOPE_" + LEASES_SCOPE)
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer((server) -> server
				.jwt((jwt) -> jwt.decoder(canonical(decoder)).jwtAuthenticationConverter(scopeOnly()))
				.authenticationEntryPoint(errors)
				.accessDeniedHandler(errors))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
			.addFilterBefore(new ComputeTurnFilter(gate, properties.exchanges().maxQueueWait()),
					BearerTokenAuthenticationFilter.class)
			.csrf((csrf) -> csrf.disable()) // bearer tokens only: no cookie, no session
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	// The bearer token is read as the token endpoint reads subject tokens: canonical
	// compact JWS only.
	private static JwtDecoder canonical(JwtDecoder decoder) {
		return (token) -> {
			try {
				CompactJws.parse(token, ExchangeRequestParser.MAX_TOKEN_LENGTH);
			}
			catch (ParseException ex) {
				throw new BadJwtException("the bearer token is not a canonical compact JWS");
			}
			return decoder.decode(token);
		};
	}

	// A revoked token opens no endpoint: introspection answers for the caller's own token
	// as for any other. Fails
	// closed while the store cannot answer.
	private static OAuth2TokenValidator<Jwt> unbound() {
		return (jwt) -> jwt.hasClaim("cnf")
				? OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
						"a bound token is not taken here: obtain one without a DPoP proof or client certificate", null))
				: OAuth2TokenValidatorResult.success();
	}

	private static OAuth2TokenValidator<Jwt> notRevoked(TokenStatus status) {
		return (jwt) -> {
			boolean active;
			try {
				active = Boolean.TRUE.equals(status.introspect(jwt.getTokenValue()).get("active"));
			}
			catch (StoreUnavailableException ex) {
				active = false;
			}
			return active ? OAuth2TokenValidatorResult.success()
					: OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
							"the token is revoked, or its status cannot be checked now", null));
		};
	}

	// Authority comes from scope alone. Spring's default converter also reads scp, a
	// claim a grant could once set.
	private static JwtAuthenticationConverter scopeOnly() {
		JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
		scopes.setAuthoritiesClaimName("scope");
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(scopes);
		return converter;
	}

}

package dev.writ.web;

import java.util.Objects;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import dev.writ.config.TlsDefaults;
import dev.writ.config.WritProperties;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.gate.ComputeGate;
import dev.writ.keys.KeyRing;
import dev.writ.trust.DpopNonces;

/**
 * Writ's two filter chains: the authorization server's endpoints (token, JWKS, metadata),
 * and everything else, where only health is open and every other path is answered 404.
 * Both are stateless: no session, no cookie, no CSRF token, no login page, no logout.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class WebSecurityConfiguration {

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerChain(HttpSecurity http, TokenExchangeService exchange,
			AuthorizationServerSettings settings, ComputeGate gate, WritProperties properties, Environment environment,
			DpopNonces nonces) throws Exception {
		WorkloadClients clients = new WorkloadClients();
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		OAuth2ErrorResponseHandler errors = new OAuth2ErrorResponseHandler(exchange);
		http.oauth2AuthorizationServer((server) -> server.registeredClientRepository(clients)
			.clientAuthentication((client) -> client
				.authenticationConverter(new WorkloadClientAuthenticationConverter(
						paths.matcher(HttpMethod.POST, settings.getTokenEndpoint())))
				.authenticationProvider(new WorkloadClientAuthenticationProvider(clients))
				.errorResponseHandler(errors.clientAuthentication()))
			.tokenEndpoint((token) -> token.accessTokenRequestConverter(new TokenExchangeRequestConverter())
				.authenticationProvider(new TokenExchangeAuthenticationProvider(exchange))
				.accessTokenResponseHandler(new AccessTokenResponseWriter())
				.errorResponseHandler(errors)));
		// Only the endpoints Writ serves: Spring's others (authorization, device flow,
		// pushed authorization requests,
		// its own introspection and revocation) fall to the default chain, which answers
		// 404. The token endpoint is
		// matched whatever the method, for the transport filter to answer 405 to all but
		// POST.
		http.securityMatcher(new OrRequestMatcher(paths.matcher(settings.getTokenEndpoint()),
				paths.matcher(HttpMethod.GET, settings.getJwkSetEndpoint()),
				paths.matcher(HttpMethod.GET, AuthorizationServerMetadataFilter.PATH)));
		// Ahead of every filter that reads parameters (CSRF, client authentication, the
		// token endpoint).
		http.addFilterAfter(new TokenEndpointTransportFilter(paths.matcher(settings.getTokenEndpoint()), exchange, gate,
				properties.exchanges().maxQueueWait()), HeaderWriterFilter.class);
		if (properties.dpop().requireNonce()) {
			// RFC 9449 §8.1: a fresh nonce with every answer of the token endpoint,
			// refusals (use_dpop_nonce) included.
			RequestMatcher token = paths.matcher(settings.getTokenEndpoint());
			http.addFilterBefore((request, response, chain) -> {
				if (token.matches((HttpServletRequest) request)) {
					((HttpServletResponse) response).setHeader("DPoP-Nonce", nonces.current());
				}
				chain.doFilter(request, response);
			}, TokenEndpointTransportFilter.class);
		}
		String issuer = Objects.requireNonNull(settings.getIssuer(), "WritConfiguration sets the issuer");
		http.addFilterAfter(new AuthorizationServerMetadataFilter(issuer, settings.getTokenEndpoint(),
				settings.getJwkSetEndpoint(), TlsDefaults.mutualTls(environment)), HeaderWriterFilter.class);
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors))
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain defaultChain(HttpSecurity http, WritProperties properties) throws Exception {
		// Metrics name grants and trust sources: only the configured networks may scrape
		// them.
		RequestMatcher scrapers = new OrRequestMatcher(properties.metrics()
			.allowedNetworks()
			.stream()
			.map((n) -> (RequestMatcher) new IpAddressMatcher(n))
			.toList());
		RequestMatcher prometheus = PathPatternRequestMatcher.withDefaults()
			.matcher(HttpMethod.GET, "/actuator/prometheus");
		http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/**"))
			.authorizeHttpRequests((authorize) -> authorize
				// The container's error dispatch of a request already let through, to
				// ErrorPageController; a request
				// for the error page itself is no error dispatch and is denied.
				.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.requestMatchers(new AndRequestMatcher(prometheus, scrapers))
				.permitAll()
				.anyRequest()
				.denyAll())
			// Denied, and answered 404: an unexposed actuator endpoint, one of Spring's
			// authorization server endpoints
			// Writ does not use and a path that never was all read the same. Metrics
			// asked from another network are
			// the exception: the endpoint is documented, so a 403 tells nothing a 404
			// would hide.
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint((request, response, denied) -> {
				if (prometheus.matches(request)) {
					OAuth2ErrorResponses.write(response, HttpServletResponse.SC_FORBIDDEN,
							OAuth2ErrorCodes.ACCESS_DENIED, "metrics are served to the configured networks only");
				}
				else {
					OAuth2ErrorResponses.write(response, HttpServletResponse.SC_NOT_FOUND,
							OAuth2ErrorResponses.NOT_FOUND, "no such endpoint");
				}
			}))
			.logout((logout) -> logout.disable())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	// Spring Security's per-filter observations cost ~15-20% of an exchange's CPU under
	// load (JFR, docs/benchmarks.md).
	// Writ meters its exchanges itself (writ.exchanges, writ.exchange.latency).
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	JWKSource<SecurityContext> jwkSource(KeyRing keys) {
		// Public keys only: the JWKS endpoint serves them; Writ signs with its own
		// minter, never through this source.
		return (selector, context) -> selector.select(keys.current().publicJwkSet());
	}

}

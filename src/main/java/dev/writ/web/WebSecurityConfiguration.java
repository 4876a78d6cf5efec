package dev.writ.web;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import dev.writ.config.WritProperties;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.keys.KeyRing;

/**
 * Writ's two filter chains: the authorization server's endpoints (token, JWKS, metadata), and everything else,
 * where only health is open. Both are stateless: no session, no cookie, no CSRF token, no login page.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class WebSecurityConfiguration {

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerChain(HttpSecurity http, TokenExchangeService exchange,
			AuthorizationServerSettings settings) throws Exception {
		WorkloadClients clients = new WorkloadClients();
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		OAuth2ErrorResponseHandler errors = new OAuth2ErrorResponseHandler(exchange);
		http.oauth2AuthorizationServer((server) -> server.registeredClientRepository(clients)
			.clientAuthentication((client) -> client
				.authenticationConverter(new WorkloadClientAuthenticationConverter(
						paths.matcher(HttpMethod.POST, settings.getTokenEndpoint())))
				.authenticationProvider(new WorkloadClientAuthenticationProvider(clients))
				.errorResponseHandler(errors))
			.tokenEndpoint((token) -> token.accessTokenRequestConverter(new TokenExchangeRequestConverter())
				.authenticationProvider(new TokenExchangeAuthenticationProvider(exchange))
				.errorResponseHandler(errors)));
		// Only the endpoints Writ serves: Spring's others (authorization, device flow, pushed authorization requests,
		// its own introspection and revocation) fall to the default chain, which denies them. The token endpoint is
		// matched whatever the method, for the transport filter to answer 405 to all but POST.
		http.securityMatcher(new OrRequestMatcher(paths.matcher(settings.getTokenEndpoint()),
				paths.matcher(HttpMethod.GET, settings.getJwkSetEndpoint()),
				paths.matcher(HttpMethod.GET, AuthorizationServerMetadataFilter.PATH)));
		// Ahead of every filter that reads parameters (CSRF, client authentication, the token endpoint).
		http.addFilterAfter(new TokenEndpointTransportFilter(paths.matcher(settings.getTokenEndpoint()), exchange),
				HeaderWriterFilter.class);
		http.addFilterAfter(new AuthorizationServerMetadataFilter(settings.getIssuer(), settings.getTokenEndpoint(),
				settings.getJwkSetEndpoint()), HeaderWriterFilter.class);
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors))
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain defaultChain(HttpSecurity http, WritProperties properties) throws Exception {
		// Metrics name grants and trust sources: only the configured networks may scrape them.
		RequestMatcher scrapers = new OrRequestMatcher(
				properties.metrics().allowedNetworks().stream().map((n) -> (RequestMatcher) new IpAddressMatcher(n)).toList());
		http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/**"))
			.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.requestMatchers(new AndRequestMatcher(
						PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/actuator/prometheus"), scrapers))
				.permitAll()
				.anyRequest()
				.denyAll())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	// Spring Security's per-filter observations cost ~15-20% of an exchange's CPU under load (JFR, docs/benchmarks.md).
	// Writ meters its exchanges itself (writ.exchanges, writ.exchange.latency).
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	JWKSource<SecurityContext> jwkSource(KeyRing keys) {
		// Public keys only: the JWKS endpoint serves them; Writ signs with its own minter, never through this source.
		return (selector, context) -> selector.select(keys.current().publicJwkSet());
	}

}

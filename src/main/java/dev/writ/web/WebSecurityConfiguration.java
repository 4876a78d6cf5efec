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
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			server.registeredClientRepository(clients)
				.clientAuthentication((client) -> client
					.authenticationConverter(new WorkloadClientAuthenticationConverter(
							PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, settings.getTokenEndpoint())))
					.authenticationProvider(new WorkloadClientAuthenticationProvider(clients))
					.errorResponseHandler(new OAuth2ErrorResponseHandler()))
				.tokenEndpoint((token) -> token
					.accessTokenRequestConverter(new TokenExchangeRequestConverter(exchange))
					.authenticationProvider(new TokenExchangeAuthenticationProvider(exchange))
					.errorResponseHandler(new OAuth2ErrorResponseHandler()));
		});
		http.addFilterAfter(new AuthorizationServerMetadataFilter(settings.getIssuer(), settings.getTokenEndpoint(),
				settings.getJwkSetEndpoint()), HeaderWriterFilter.class);
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
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

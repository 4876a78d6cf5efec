package dev.writ.web;

import java.util.List;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The admin endpoints' chain, present only when an admin endpoint is on. Callers present a Writ access token (RFC
 * 9068, {@code typ: at+jwt}) issued by this Writ, for this Writ's own issuer as audience, with scope
 * {@code writ:explain}: admins get it by exchange like any workload, so who may explain is itself a grant, and no
 * static secret exists. Tokens are validated offline against Writ's own published keys.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "writ.admin.explain", havingValue = "true")
class AdminSecurityConfiguration {

	static final String EXPLAIN_SCOPE = "writ:explain";

	@Bean
	@Order(0)
	SecurityFilterChain adminChain(HttpSecurity http, JWKSource<SecurityContext> keys, AuthorizationServerSettings settings)
			throws Exception {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys)
			.jwsAlgorithms((algorithms) -> algorithms.addAll(
					List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.RS256)))
			.build();
		String issuer = settings.getIssuer();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTypeValidator("at+jwt"),
				new JwtTimestampValidator(), new JwtIssuerValidator(issuer),
				new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(issuer))));
		http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/admin/**"))
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers("/admin/explain")
				.hasAuthority("SCOPE_" + EXPLAIN_SCOPE)
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.decoder(decoder)))
			.csrf((csrf) -> csrf.disable()) // bearer tokens only: no cookie, no session
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

}

package org.example.payments;

import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Accepts Writ's access tokens (RFC 9068) and nothing else. Everything a resource server must check:
 * <ul>
 * <li>the signature, with a key from Writ's JWKS ({@code kid}); Spring refetches the JWKS when it meets an unknown
 * {@code kid}, and Writ publishes every new key an hour before it signs with it;</li>
 * <li>{@code typ: at+jwt}: an access token, not an ID token or a workload's own JWT-SVID;</li>
 * <li>{@code iss}: this Writ; {@code aud}: this service, and no other service's tokens;</li>
 * <li>{@code exp} and {@code nbf}; and the scope each endpoint needs ({@code SCOPE_...}).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain api(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers(HttpMethod.GET, "/payments").hasAuthority("SCOPE_payments:read")
				.requestMatchers(HttpMethod.POST, "/payments/charges").hasAuthority("SCOPE_payments:charge")
				.anyRequest().denyAll())
			.oauth2ResourceServer((resource) -> resource.jwt((jwt) -> { }))
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable()); // bearer tokens, no cookies
		return http.build();
	}

	@Bean
	JwtDecoder jwtDecoder(@Value("${writ.issuer}") String issuer, @Value("${writ.jwks-uri}") String jwksUri,
			@Value("${payments.audience}") String audience) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri)
			.jwsAlgorithms((algorithms) -> algorithms.addAll(List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES384,
					SignatureAlgorithm.RS256)))
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTypeValidator("at+jwt"),
				new JwtTimestampValidator(), new JwtIssuerValidator(issuer),
				new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(audience))));
		return decoder;
	}

}

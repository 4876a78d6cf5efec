package dev.writ.spring.resourceserver;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * With {@code writ.issuer} and {@code writ.resource-server.audience}, a
 * {@link JwtDecoder} that accepts Writ's access tokens for this service and nothing else
 * — and so Spring Boot's resource-server security, which needs one:
 * <ul>
 * <li>the signature, by a key of Writ's JWKS named by {@code kid} (fetched when first
 * needed, again for an unknown {@code kid}), with one of Writ's algorithms;</li>
 * <li>{@code typ: at+jwt} (RFC 9068 §4): not an ID token, not a workload's JWT-SVID;</li>
 * <li>{@code iss} this Writ, {@code aud} this service, {@code exp} and {@code nbf} within
 * the clock skew, {@code sub} and {@code jti} present;</li>
 * </ul>
 * and a {@link JwtAuthenticationConverter} that maps {@code scope} alone to
 * {@code SCOPE_} authorities (never {@code scp}, {@code roles} or any claim a grant could
 * set). Controllers may take a {@link WritToken} parameter: who called, under which grant
 * and policy version, on whose behalf. A bean of the application's own replaces each.
 */
@AutoConfiguration(before = OAuth2ResourceServerAutoConfiguration.class)
@ConditionalOnClass(JwtDecoder.class)
@ConditionalOnProperty("writ.resource-server.audience")
@EnableConfigurationProperties(WritResourceServerProperties.class)
public final class WritResourceServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(JwtDecoder.class)
	JwtDecoder writJwtDecoder(WritResourceServerProperties properties) {
		URI issuer = properties.issuer();
		WritResourceServerProperties.ResourceServer server = properties.resourceServer();
		List<String> problems = new ArrayList<>();
		if (issuer == null) {
			problems.add("writ.issuer: Writ's issuer, the iss of its tokens");
		}
		String audience = server.audience();
		if (audience == null || audience.isBlank()) {
			problems.add("writ.resource-server.audience: this service's audience");
		}
		List<SignatureAlgorithm> algorithms = new ArrayList<>();
		for (String name : server.algorithmsOrDefault()) {
			SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
			if (algorithm == null) {
				problems.add("writ.resource-server.algorithms: '" + name + "' is not a JWS signature algorithm");
			}
			else {
				algorithms.add(algorithm);
			}
		}
		if (!problems.isEmpty() || issuer == null || audience == null) {
			throw new IllegalStateException("Writ's resource server settings: " + String.join("; ", problems));
		}
		URI jwks = (server.jwksUri() != null) ? server.jwksUri()
				: URI.create(issuer.toString().replaceAll("/+$", "") + "/oauth2/jwks");
		for (String name : List.of("writ.issuer", "writ.resource-server.jwks-uri")) {
			URI url = name.equals("writ.issuer") ? issuer : jwks;
			String scheme = String.valueOf(url.getScheme()).toLowerCase(java.util.Locale.ROOT);
			String host = String.valueOf(url.getHost());
			boolean loopback = host.matches("127(\\.[0-9]{1,3}){3}") || host.equals("[::1]");
			if (!scheme.equals("https") && !(scheme.equals("http") && (loopback || server.allowPlainHttp()))) {
				problems.add(name + ": '" + url
						+ "' is not https; Writ's keys fetched in the clear can be swapped on the"
						+ " way (plain http only to 127.0.0.1, [::1], or with writ.resource-server.allow-plain-http)");
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("Writ's resource server settings: " + String.join("; ", problems));
		}
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwks.toString())
			.jwsAlgorithms((accepted) -> accepted.addAll(algorithms))
			.build();
		decoder.setJwtValidator(validator(issuer.toString(), audience, server));
		return decoder;
	}

	static OAuth2TokenValidator<Jwt> validator(String issuer, String audience,
			WritResourceServerProperties.ResourceServer server) {
		// Spring's defaults besides Writ's checks: a certificate-bound token
		// (cnf.x5t#S256,
		// RFC 8705) is served only over a connection with that very client certificate.
		return JwtValidators.createDefaultWithValidators(List.of(new JwtTypeValidator("at+jwt"),
				new JwtTimestampValidator(server.clockSkewOrDefault()), new JwtIssuerValidator(issuer),
				new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(audience)),
				new JwtClaimValidator<String>("sub", (sub) -> sub != null && !sub.isEmpty()),
				new JwtClaimValidator<String>("jti", (jti) -> jti != null && !jti.isEmpty()),
				new JwtClaimValidator<Object>("exp", (exp) -> exp != null)));
	}

	@Bean
	@ConditionalOnMissingBean(JwtAuthenticationConverter.class)
	JwtAuthenticationConverter writJwtAuthenticationConverter() {
		JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
		scopes.setAuthoritiesClaimName("scope");
		scopes.setAuthorityPrefix("SCOPE_");
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(scopes);
		converter.setPrincipalClaimName("sub");
		return converter;
	}

	/** {@link WritToken} as a controller method's parameter. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(WebMvcConfigurer.class)
	static class WritTokenArguments implements WebMvcConfigurer {

		@Override
		public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
			resolvers.add(new WritTokenArgumentResolver());
		}

	}

}

package dev.writ.spring.resourceserver;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a service needs to accept Writ's access tokens.
 *
 * @param issuer Writ's issuer ({@code writ.issuer}): every token's {@code iss}, and where
 * its JWKS is
 * @param resourceServer this service as a resource server
 */
@ConfigurationProperties("writ")
public record WritResourceServerProperties(@Nullable URI issuer, @DefaultValue ResourceServer resourceServer) {

	/**
	 * This service, as a resource server of Writ's tokens.
	 *
	 * @param audience this service's audience ({@code writ.resource-server.audience}): a
	 * token must name it in {@code aud}; tokens for other services are refused
	 * @param jwksUri where Writ's signing keys are; by default
	 * {@code <issuer>/oauth2/jwks}
	 * @param algorithms the signature algorithms accepted; by default those Writ signs
	 * with: ES256, ES384 and RS256
	 * @param clockSkew how far {@code exp} and {@code nbf} may be off this machine's
	 * clock; 30 s by default
	 * @param allowPlainHttp whether Writ's issuer and JWKS may be plain {@code http} to a
	 * host other than 127.0.0.1 or [::1]: keys fetched in the clear can be swapped on the
	 * way, and forged tokens then pass; false by default
	 */
	public record ResourceServer(@Nullable String audience, @Nullable URI jwksUri, @Nullable List<String> algorithms,
			@Nullable Duration clockSkew, @DefaultValue("false") boolean allowPlainHttp) {

		List<String> algorithmsOrDefault() {
			return (this.algorithms != null && !this.algorithms.isEmpty()) ? this.algorithms
					: List.of("ES256", "ES384", "RS256");
		}

		Duration clockSkewOrDefault() {
			return (this.clockSkew != null) ? this.clockSkew : Duration.ofSeconds(30);
		}

	}

}

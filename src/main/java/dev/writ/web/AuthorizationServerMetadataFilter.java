package dev.writ.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import com.nimbusds.jose.JWSAlgorithm;

import dev.writ.request.TokenTypes;
import dev.writ.trust.DpopVerifier;

/**
 * Serves RFC 8414 authorization server metadata that describes what Writ really offers:
 * the token-exchange grant at the token endpoint with no client authentication, and the
 * JWKS. Spring's own metadata endpoint insists on an authorization endpoint and response
 * types, which Writ does not have, so this filter answers first.
 *
 * <p>
 * Two members are Writ's own (RFC 8414 §2 allows additional members):
 * {@code subject_token_types_supported} and {@code requested_token_types_supported}, the
 * RFC 8693 token types Writ accepts and can issue.
 */
final class AuthorizationServerMetadataFilter extends OncePerRequestFilter {

	static final String PATH = "/.well-known/oauth-authorization-server";

	private final RequestMatcher matcher = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, PATH);

	private final byte[] body;

	AuthorizationServerMetadataFilter(String issuer, String tokenPath, String jwksPath, boolean mutualTls) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("issuer", issuer);
		metadata.put("token_endpoint", issuer + tokenPath);
		metadata.put("jwks_uri", issuer + jwksPath);
		// RFC 7662 and RFC 7009, authenticated by a Writ token for this Writ
		// (docs/exchange-api.md).
		metadata.put("introspection_endpoint", issuer + "/oauth2/introspect");
		metadata.put("revocation_endpoint", issuer + "/oauth2/revoke");
		metadata.put("grant_types_supported", List.of(TokenTypes.GRANT_TYPE));
		metadata.put("token_endpoint_auth_methods_supported", List.of("none"));
		// RFC 8414 §2 lists response_types_supported as required; Writ has no
		// authorization endpoint, so none.
		metadata.put("response_types_supported", List.of());
		// An access token: one of this Writ's own, exchanged again for another audience.
		metadata.put("subject_token_types_supported",
				List.of(TokenTypes.JWT, TokenTypes.ID_TOKEN, TokenTypes.ACCESS_TOKEN));
		// Not registered by RFC 8693 or RFC 8414: the actor tokens Writ verifies, as it
		// does subject tokens.
		metadata.put("actor_token_types_supported", List.of(TokenTypes.JWT, TokenTypes.ID_TOKEN));
		// RFC 9449 §5.1.
		metadata.put("dpop_signing_alg_values_supported",
				DpopVerifier.ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList());
		metadata.put("requested_token_types_supported",
				List.of(TokenTypes.ACCESS_TOKEN, TokenTypes.JWT, TokenTypes.PASSWORD));
		if (mutualTls) {
			// RFC 8705 §3.3: tokens bound to the client certificate of a mutual TLS
			// exchange, on the one listener (no mtls_endpoint_aliases).
			metadata.put("tls_client_certificate_bound_access_tokens", true);
		}
		this.body = JSONObjectUtils.toJSONString(metadata).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.matcher.matches(request)) {
			chain.doFilter(request, response);
			return;
		}
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setContentLength(this.body.length);
		response.getOutputStream().write(this.body);
	}

}

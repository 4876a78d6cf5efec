package dev.writ.web;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * Authenticates the workload client made by
 * {@link WorkloadClientAuthenticationConverter}. It vouches for nothing but the fact that
 * no client credentials were sent; the exchange authenticates the workload by its subject
 * token.
 */
final class WorkloadClientAuthenticationProvider implements AuthenticationProvider {

	private final WorkloadClients clients;

	WorkloadClientAuthenticationProvider(WorkloadClients clients) {
		this.clients = clients;
	}

	@Override
	public @Nullable Authentication authenticate(Authentication authentication) {
		OAuth2ClientAuthenticationToken client = (OAuth2ClientAuthenticationToken) authentication;
		if (!ClientAuthenticationMethod.NONE.equals(client.getClientAuthenticationMethod())
				|| !WorkloadClients.WORKLOAD_CLIENT_ID.equals(client.getPrincipal())
				|| client.getCredentials() != null) {
			return null; // another provider's business
		}
		return new OAuth2ClientAuthenticationToken(this.clients.workload(), ClientAuthenticationMethod.NONE, null);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
	}

}

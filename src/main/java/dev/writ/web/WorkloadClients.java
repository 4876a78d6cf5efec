package dev.writ.web;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The one client Writ's token endpoint knows: the workload that presents its own
 * identity. Workloads carry no client secret (their subject token is their credential, as
 * with Google STS), so this client authenticates with method {@code none} and may use the
 * token-exchange grant only. Nothing can register other clients.
 */
final class WorkloadClients implements RegisteredClientRepository {

	/** The synthetic client's id; never put into a token. */
	static final String WORKLOAD_CLIENT_ID = "writ-workload";

	static final AuthorizationGrantType TOKEN_EXCHANGE = AuthorizationGrantType.TOKEN_EXCHANGE;

	private final RegisteredClient workload = RegisteredClient
		.withId(UUID.nameUUIDFromBytes(WORKLOAD_CLIENT_ID.getBytes(StandardCharsets.US_ASCII)).toString())
		.clientId(WORKLOAD_CLIENT_ID)
		.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
		.authorizationGrantType(TOKEN_EXCHANGE)
		.build();

	RegisteredClient workload() {
		return this.workload;
	}

	@Override
	public void save(RegisteredClient registeredClient) {
		throw new UnsupportedOperationException("Writ's clients are not registered at run time");
	}

	@Override
	public @Nullable RegisteredClient findById(String id) {
		return this.workload.getId().equals(id) ? this.workload : null;
	}

	@Override
	public @Nullable RegisteredClient findByClientId(String clientId) {
		return WORKLOAD_CLIENT_ID.equals(clientId) ? this.workload : null;
	}

}

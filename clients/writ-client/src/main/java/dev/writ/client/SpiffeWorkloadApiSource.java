package dev.writ.client;

import java.io.IOException;

import io.spiffe.exception.JwtSvidException;
import io.spiffe.exception.SocketEndpointAddressException;
import io.spiffe.svid.jwtsvid.JwtSvid;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.WorkloadApiClient;
import org.jspecify.annotations.Nullable;

/**
 * A JWT-SVID for Writ's audience, fetched from the SPIFFE Workload API (a SPIRE agent's
 * socket) before each exchange: the agent answers from its cache and renews SVIDs itself.
 * The only class that touches java-spiffe, an optional dependency: without it on the
 * class path, every other source works.
 */
final class SpiffeWorkloadApiSource implements IdentitySource, AutoCloseable {

	private final @Nullable String socket;

	private final String audience;

	private @Nullable WorkloadApiClient client; // guarded by this

	SpiffeWorkloadApiSource(@Nullable String socket, String audience) {
		if (audience.isBlank()) {
			throw new IllegalArgumentException("the JWT-SVID's audience (Writ's issuer) is empty");
		}
		this.socket = socket;
		this.audience = audience;
	}

	@Override
	public String identityToken() throws IOException {
		try {
			JwtSvid svid = client().fetchJwtSvid(this.audience);
			return svid.getToken();
		}
		catch (JwtSvidException ex) {
			// java-spiffe's messages name the audience or the failure, never a token.
			throw new IOException("the Workload API gave no JWT-SVID for " + this.audience + ": "
					+ ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? " (" + ex.getMessage() + ")" : ""));
		}
		catch (RuntimeException ex) {
			throw new IOException("the Workload API could not be asked: " + ex.getClass().getSimpleName());
		}
	}

	private synchronized WorkloadApiClient client() throws IOException {
		WorkloadApiClient current = this.client;
		if (current != null) {
			return current;
		}
		try {
			String socket = this.socket;
			current = (socket != null)
					? DefaultWorkloadApiClient
						.newClient(DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(socket).build())
					: DefaultWorkloadApiClient.newClient();
		}
		catch (SocketEndpointAddressException ex) {
			throw new IOException("not a Workload API address: " + ex.getMessage()
					+ ((this.socket == null) ? " (from SPIFFE_ENDPOINT_SOCKET)" : ""));
		}
		this.client = current;
		return current;
	}

	@Override
	public synchronized void close() {
		WorkloadApiClient current = this.client;
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException | RuntimeException ex) {
				// closing: nothing left to do with it
			}
			this.client = null;
		}
	}

	@Override
	public String toString() {
		return "SPIFFE Workload API " + ((this.socket != null) ? this.socket : "(SPIFFE_ENDPOINT_SOCKET)")
				+ " for audience " + this.audience;
	}

}

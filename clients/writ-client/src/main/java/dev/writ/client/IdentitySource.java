package dev.writ.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the workload's own identity token comes from: read again before every exchange,
 * so that a source someone else keeps fresh (spiffe-helper, the kubelet) is followed.
 */
@FunctionalInterface
public interface IdentitySource {

	/**
	 * The identity token as it is now.
	 * @throws IOException when it cannot be read; the exception's message must not hold
	 * the token
	 */
	String identityToken() throws IOException;

	/**
	 * A file holding the token: spiffe-helper's JWT-SVID file, a Kubernetes projected
	 * service-account token. Surrounding whitespace is not part of it.
	 */
	static IdentitySource file(Path path) {
		return new IdentitySources.FileSource(path, null);
	}

	/** A JSON file whose {@code field} holds the token. */
	static IdentitySource file(Path path, String field) {
		return new IdentitySources.FileSource(path, field);
	}

	/**
	 * An environment variable holding the token: GitLab CI's {@code id_tokens}, which
	 * GitLab puts in the variables the job names.
	 */
	static IdentitySource environment(String variable) {
		return new IdentitySources.EnvironmentSource(variable, System.getenv());
	}

	/**
	 * A URL that answers with the token, asked with {@code headers}; with {@code field},
	 * the answer is JSON and the token is that field. Only {@code https}, or {@code http}
	 * to a loopback address.
	 */
	static IdentitySource url(URI url, Map<String, String> headers, @Nullable String field) {
		return new IdentitySources.UrlSource(url, headers, field);
	}

	/**
	 * A JWT-SVID for {@code audience} (Writ's issuer) from the SPIFFE Workload API at
	 * {@code SPIFFE_ENDPOINT_SOCKET}, fetched before each exchange (SPIRE's agent answers
	 * from its cache). Needs java-spiffe ({@code io.spiffe:java-spiffe-core} and
	 * {@code grpc-netty-linux}) on the class path.
	 */
	static IdentitySource spiffeWorkloadApi(String audience) {
		return new SpiffeWorkloadApiSource(null, audience);
	}

	/**
	 * As {@link #spiffeWorkloadApi(String)}, at {@code socket}
	 * ({@code unix:///run/spire/agent.sock}).
	 */
	static IdentitySource spiffeWorkloadApi(String socket, String audience) {
		return new SpiffeWorkloadApiSource(socket, audience);
	}

	/**
	 * GitHub Actions' OIDC token for {@code audience} (Writ's issuer), from the
	 * {@code ACTIONS_ID_TOKEN_REQUEST_URL} and {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN} the
	 * runner gives a job with {@code permissions: id-token: write}.
	 */
	static IdentitySource githubActions(String audience) {
		return IdentitySources.githubActions(audience, System.getenv());
	}

}

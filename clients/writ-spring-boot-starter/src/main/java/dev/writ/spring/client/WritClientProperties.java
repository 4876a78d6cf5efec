package dev.writ.spring.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a workload gets Writ tokens, and for which calls.
 *
 * @param issuer Writ's issuer ({@code writ.issuer}): its metadata names the token
 * endpoint
 * @param client the workload's identity and its targets
 */
@ConfigurationProperties("writ")
public record WritClientProperties(@Nullable URI issuer, @DefaultValue Client client) {

	/**
	 * The workload's identity, and the services it calls with Writ tokens.
	 *
	 * @param credentials an {@code external_account} credential file
	 * ({@code writ credentials create-config}): token endpoint, audience and identity
	 * source, instead of the settings below
	 * @param tokenUrl Writ's token endpoint, when it is not read from
	 * {@code writ.issuer}'s metadata
	 * @param identityFile a file holding the identity token (spiffe-helper's, a projected
	 * service-account token)
	 * @param identityEnv an environment variable holding it (GitLab CI's
	 * {@code id_tokens})
	 * @param githubActions GitHub Actions' OIDC token of the job, asked for Writ's issuer
	 * @param subjectTokenType {@code jwt} (default) or {@code id_token}
	 * @param timeout how long connecting to Writ, and each request, may take; 10 s by
	 * default
	 * @param targets the services called with Writ tokens, by name
	 */
	public record Client(@Nullable Path credentials, @Nullable URI tokenUrl, @Nullable Path identityFile,
			@Nullable String identityEnv, @DefaultValue("false") boolean githubActions,
			@DefaultValue("jwt") String subjectTokenType, @DefaultValue("10s") Duration timeout,
			@DefaultValue Map<String, Target> targets) {

	}

	/**
	 * A service the workload calls with Writ tokens.
	 *
	 * @param audience the audience to ask Writ for; by default the credential file's
	 * @param scopes the scopes to ask for
	 * @param baseUrls the URLs its calls start with: a call whose URL starts with one
	 * (scheme, host, port, and the path at a segment boundary) carries a token for this
	 * target, and no other call does
	 * @param allowPlainHttp whether a base URL may be plain {@code http} to a host other
	 * than 127.0.0.1 or [::1], sending the token in the clear; false by default
	 */
	public record Target(@Nullable String audience, @DefaultValue List<String> scopes, @DefaultValue List<URI> baseUrls,
			@DefaultValue("false") boolean allowPlainHttp) {

	}

}

package dev.writ.agent;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.writ.client.IdentitySource;
import dev.writ.client.WritClient;
import org.jspecify.annotations.Nullable;

/**
 * How the agent and {@code token} find Writ and the workload's identity, the same keys in
 * an agent's configuration and on the command line ({@code token_url} is
 * {@code --token-url}):
 * <ul>
 * <li>{@code credentials}: an {@code external_account} credential file, as
 * {@code writ credentials create-config} writes it; or</li>
 * <li>{@code issuer} (its metadata names the token endpoint) or {@code token_url}, with
 * one identity source: {@code identity_file}, {@code identity_env} (a variable's name) or
 * {@code github_actions} (GitHub's OIDC token, for Writ's issuer: {@code issuer}, else
 * the token URL's origin); and {@code subject_token_type} ({@code jwt} or
 * {@code id_token}).</li>
 * </ul>
 */
final class ClientSettings {

	static final List<String> KEYS = List.of("credentials", "issuer", "token_url", "identity_file", "identity_env",
			"github_actions", "subject_token_type");

	private ClientSettings() {
	}

	/**
	 * A client from {@code settings}; every problem with them at once.
	 * @throws UsageException naming each problem
	 */
	static WritClient client(Map<String, String> settings) {
		List<String> problems = new ArrayList<>();
		String credentials = settings.get("credentials");
		String issuer = settings.get("issuer");
		String tokenUrl = settings.get("token_url");
		List<String> sources = new ArrayList<>();
		for (String source : List.of("identity_file", "identity_env", "github_actions")) {
			if (settings.containsKey(source)) {
				sources.add(source);
			}
		}
		if (credentials != null) {
			for (String other : KEYS) {
				if (!other.equals("credentials") && settings.containsKey(other)) {
					problems.add(other + " goes with a credential file's own settings: name one or the other");
				}
			}
			if (!problems.isEmpty()) {
				throw new UsageException(problems);
			}
			try {
				return WritClient.fromCredentialFile(Path.of(credentials));
			}
			catch (RuntimeException ex) {
				throw new UsageException(List.of("credentials: " + ex.getMessage()));
			}
		}
		if ((issuer == null) == (tokenUrl == null)) {
			problems.add("name Writ once: credentials, issuer or token_url");
		}
		if (sources.size() != 1) {
			problems.add("name one identity source: identity_file, identity_env or github_actions"
					+ (sources.isEmpty() ? "" : " (not " + String.join(" and ", sources) + ")"));
		}
		String type = settings.getOrDefault("subject_token_type", "jwt");
		if (!type.equals("jwt") && !type.equals("id_token")) {
			problems.add("subject_token_type is jwt or id_token, not '" + type + "'");
		}
		if (!problems.isEmpty()) {
			throw new UsageException(problems);
		}
		try {
			WritClient.Builder builder = WritClient.builder()
				.subjectTokenType("urn:ietf:params:oauth:token-type:" + type)
				.identity(identity(sources.get(0), settings, issuer, tokenUrl));
			if (issuer != null) {
				builder.issuer(URI.create(issuer));
			}
			else if (tokenUrl != null) {
				builder.tokenEndpoint(URI.create(tokenUrl));
			}
			return builder.build();
		}
		catch (RuntimeException ex) {
			throw new UsageException(List.of(String.valueOf(ex.getMessage())));
		}
	}

	private static IdentitySource identity(String source, Map<String, String> settings, @Nullable String issuer,
			@Nullable String tokenUrl) {
		String value = Objects.requireNonNull(settings.get(source));
		return switch (source) {
			case "identity_file" -> IdentitySource.file(Path.of(value));
			case "identity_env" -> IdentitySource.environment(value);
			default -> IdentitySource
				.githubActions((issuer != null) ? issuer : origin(URI.create(Objects.requireNonNull(tokenUrl))));
		};
	}

	private static String origin(URI url) {
		return url.getScheme() + "://" + url.getRawAuthority();
	}

}

package dev.writ.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A system that takes only secrets, for which Writ issues just-in-time credentials
 * ({@code targets:} in policy files). Writ reaches it with an admin credential of its
 * own, read from a file or an environment variable at each use, never from a policy file.
 *
 * @param id unique among targets; leases name it
 * @param kind which broker speaks to it
 * @param audience what a request names as {@code audience} to get a credential for it,
 * and what its grants name
 * @param url where Writ reaches it as admin: {@code jdbc:postgresql://…} or
 * {@code redis://…} / {@code rediss://…}, without a credential
 * @param adminUsername the admin's username
 * @param adminPasswordFile the file holding the admin's password, relative to
 * {@code writ.credentials.secrets-dir}, or null
 * @param adminPasswordEnvironment the environment variable holding it, or null
 * @param register the {@code api_keys:} entry (kind permanent) of the admin credential
 * @param maxTtl the longest a credential for it lives
 * @param usernamePrefix what every username Writ creates there begins with; Writ removes
 * users with it that no lease names
 * @param source where it is defined, {@code file:line}
 */
public record CredentialTarget(String id, Kind kind, String audience, String url, String adminUsername,
		@Nullable Path adminPasswordFile, @Nullable String adminPasswordEnvironment, String register, Duration maxTtl,
		String usernamePrefix, String source) {

	public CredentialTarget {
		Objects.requireNonNull(id, "id cannot be null");
		Objects.requireNonNull(kind, "kind cannot be null");
		Objects.requireNonNull(audience, "audience cannot be null");
		Objects.requireNonNull(url, "url cannot be null");
		Objects.requireNonNull(adminUsername, "adminUsername cannot be null");
		if ((adminPasswordFile == null) == (adminPasswordEnvironment == null)) {
			throw new IllegalArgumentException("exactly one of adminPasswordFile and adminPasswordEnvironment");
		}
		Objects.requireNonNull(register, "register cannot be null");
		Objects.requireNonNull(maxTtl, "maxTtl cannot be null");
		Objects.requireNonNull(usernamePrefix, "usernamePrefix cannot be null");
		Objects.requireNonNull(source, "source cannot be null");
	}

	/** The kinds of target Writ has a broker for. */
	public enum Kind {

		/** A PostgreSQL server: a login role per credential. */
		POSTGRESQL,

		/** A Redis server with ACL users: an ACL user per credential. */
		REDIS;

		/** Its name in policy files. */
		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** The host its admin URL names, as written (an IPv6 literal with its brackets). */
	public String host() {
		String rest = this.url.substring(this.url.indexOf("://") + 3);
		int end = rest.startsWith("[") ? rest.indexOf(']') + 1 : 0;
		while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
			end++;
		}
		return rest.substring(0, end);
	}

	/** The port its admin URL names, or its kind's default. */
	public int port() {
		String rest = this.url.substring(this.url.indexOf("://") + 3 + host().length());
		if (rest.startsWith(":")) {
			int end = 1;
			while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
				end++;
			}
			return Integer.parseInt(rest.substring(1, end));
		}
		return (this.kind == Kind.POSTGRESQL) ? 5432 : 6379;
	}

	/**
	 * Whether the operator's list of hosts ({@code writ.credentials.allowed-hosts}:
	 * {@code host:port}, or {@code host} for its kind's default port, in any case) takes
	 * this target's. A bare host allows no other port: another port of the same host may
	 * be any other listener.
	 */
	public boolean hostIn(java.util.Collection<String> allowedHosts) {
		String hostPort = host().toLowerCase(Locale.ROOT) + ":" + port();
		String defaultPort = ":" + ((this.kind == Kind.POSTGRESQL) ? 5432 : 6379);
		return allowedHosts.stream()
			.map((allowed) -> allowed.toLowerCase(Locale.ROOT))
			.map((allowed) -> (allowed.endsWith("]") || allowed.indexOf(':') < 0) ? allowed + defaultPort : allowed)
			.anyMatch(hostPort::equals);
	}

}

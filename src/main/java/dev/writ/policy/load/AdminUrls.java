package dev.writ.policy.load;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.writ.policy.CredentialTarget;

/**
 * The admin URL of a target: where Writ connects, never with a credential in it (the
 * password is read from {@code password_file} or {@code password_env}, so that a policy
 * file holds no secret), with the server's identity verified beyond loopback (Writ sends
 * the admin's password there), and for PostgreSQL with only the driver parameters that
 * say how TLS is checked: the others could lift Writ's timeouts, name another host, load
 * classes or write files.
 */
final class AdminUrls {

	private static final Pattern POSTGRESQL = Pattern
		.compile("jdbc:postgresql://([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+\\])(:[0-9]{1,5})?/[A-Za-z0-9_\\-]+(\\?(.*))?");

	private static final Pattern REDIS = Pattern
		.compile("(rediss?)://([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+\\]):[0-9]{1,5}(/[0-9]{1,2})?");

	private static final Pattern PARAMETER = Pattern.compile("([A-Za-z]+)=([A-Za-z0-9_./\\-]+)");

	// pgjdbc's parameters Writ takes, with the values each may have (empty: any path).
	private static final Map<String, Set<String>> POSTGRESQL_PARAMETERS = Map.of("sslmode",
			Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full"), "sslrootcert", Set.of(),
			"channelBinding", Set.of("disable", "prefer", "require"), "targetServerType",
			Set.of("any", "primary", "preferPrimary"));

	private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

	private AdminUrls() {
	}

	/** What is wrong with a target's admin URL, or null when nothing is. */
	static @Nullable String problem(CredentialTarget.Kind kind, String url) {
		return switch (kind) {
			case POSTGRESQL -> postgresql(url);
			case REDIS -> redis(url);
		};
	}

	private static @Nullable String postgresql(String url) {
		Matcher matcher = POSTGRESQL.matcher(url);
		if (!matcher.matches()) {
			return "url must be jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMETERS], without user or password (the "
					+ "password comes from password_file or password_env)";
		}
		String sslmode = null;
		String query = matcher.group(4);
		if (query != null) {
			for (String parameter : query.split("&", -1)) {
				Matcher pair = PARAMETER.matcher(parameter);
				if (!pair.matches() || !POSTGRESQL_PARAMETERS.containsKey(pair.group(1))) {
					return "url may carry sslmode, sslrootcert, channelBinding and targetServerType only: a driver "
							+ "parameter can lift Writ's timeouts, name another host or load code";
				}
				Set<String> values = POSTGRESQL_PARAMETERS.getOrDefault(pair.group(1), Set.of());
				if (!values.isEmpty() && !values.contains(pair.group(2))) {
					return "url's " + pair.group(1) + " must be one of " + values.stream().sorted().toList();
				}
				if (pair.group(1).equals("sslmode")) {
					sslmode = pair.group(2);
				}
			}
		}
		if (!LOOPBACK.contains(matcher.group(1)) && !"verify-full".equals(sslmode)) {
			return "url must say sslmode=verify-full for a host beyond loopback: Writ sends the admin's password "
					+ "there, and checks whom to";
		}
		return null;
	}

	private static @Nullable String redis(String url) {
		Matcher matcher = REDIS.matcher(url);
		if (!matcher.matches()) {
			return "url must be redis://HOST:PORT or rediss://HOST:PORT, without user or password (the password "
					+ "comes from password_file or password_env)";
		}
		if (!LOOPBACK.contains(matcher.group(2)) && !"rediss".equals(matcher.group(1))) {
			return "url must be rediss:// (TLS) for a host beyond loopback: Writ sends the admin's password there, "
					+ "and checks whom to";
		}
		return null;
	}

}

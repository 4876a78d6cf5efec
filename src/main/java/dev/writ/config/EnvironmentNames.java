package dev.writ.config;

import java.util.List;
import java.util.Locale;

/**
 * The environment variables Spring Boot binds to a {@code writ.*} setting:
 * {@code writ.token.max-ttl} from {@code WRIT_TOKEN_MAXTTL} (dashes dropped, the
 * documented form) or {@code WRIT_TOKEN_MAX_TTL} (dashes to underscores). The start-up
 * check and the command line read the environment by the same names.
 */
public final class EnvironmentNames {

	private EnvironmentNames() {
	}

	/** The documented form: dots to underscores, dashes dropped. */
	public static String canonical(String property) {
		return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
	}

	/** Both forms Spring Boot binds, the documented one first. */
	public static List<String> all(String property) {
		return List.of(canonical(property), property.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT));
	}

}

package dev.writ.policy.load;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.writ.policy.CredentialTarget;

/**
 * The admin URL of a target: where Writ connects, never with a credential in it (the
 * password is read from {@code password_file} or {@code password_env}, so that a policy
 * file holds no secret).
 */
final class AdminUrls {

	private static final Pattern POSTGRESQL = Pattern
		.compile("jdbc:postgresql://[A-Za-z0-9.\\-\\[\\]:]+/[A-Za-z0-9_\\-]+(\\?[!-~&&[^#]]*)?");

	private static final Pattern REDIS = Pattern.compile("rediss?://[A-Za-z0-9.\\-\\[\\]:]+(/[0-9]{1,2})?");

	private AdminUrls() {
	}

	static boolean valid(CredentialTarget.Kind kind, String url) {
		return switch (kind) {
			case POSTGRESQL -> POSTGRESQL.matcher(url).matches() && !namesCredential(url);
			case REDIS -> REDIS.matcher(url).matches();
		};
	}

	static String requirement(CredentialTarget.Kind kind) {
		return switch (kind) {
			case POSTGRESQL -> "url must be jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMETERS], without user or "
					+ "password (the password comes from password_file or password_env)";
			case REDIS -> "url must be redis://HOST:PORT or rediss://HOST:PORT, without user or password (the "
					+ "password comes from password_file or password_env)";
		};
	}

	private static boolean namesCredential(String url) {
		int query = url.indexOf('?');
		if (query < 0) {
			return false;
		}
		for (String parameter : url.substring(query + 1).split("&", -1)) {
			String name = parameter.split("=", 2)[0].toLowerCase(Locale.ROOT);
			if (name.equals("user") || name.equals("password") || name.contains("sslpassword")
					|| name.contains("key")) {
				return true;
			}
		}
		return false;
	}

}

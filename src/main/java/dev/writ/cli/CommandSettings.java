package dev.writ.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.writ.config.ServerSettings;
import dev.writ.policy.Durations;

/**
 * The server's settings as a command sees them: an option that stands for a setting
 * ({@code --max-ttl} for {@code writ.token.max-ttl}) where it is given, else what the
 * server would take from the environment, read by {@link ServerSettings} as the server
 * reads it.
 */
final class CommandSettings {

	/** The options that stand for a server setting, and that setting. */
	private static final Map<String, String> SETTINGS = Map.of("--keys", "writ.keys-dir", "--policies",
			"writ.policies-dir", "--max-ttl", "writ.token.max-ttl", "--default-ttl", "writ.token.default-ttl",
			"--algorithm", "writ.keys.algorithm", "--publish-ahead", "writ.keys.publish-ahead", "--retire-after",
			"writ.keys.retire-after", "--passphrase-file", "writ.keys.passphrase-file");

	/** The options above whose value is a duration, written as policy files write one. */
	private static final Set<String> DURATIONS = Set.of("--max-ttl", "--default-ttl", "--publish-ahead",
			"--retire-after");

	/** The flag that stands for {@code writ.trust.allow-loopback-http=true}. */
	static final String LOOPBACK_HTTP = "--allow-loopback-http";

	private CommandSettings() {
	}

	/**
	 * The settings with {@code arguments}' options over {@code environment}'s.
	 * @param more further settings by property name that win over the environment
	 */
	static ServerSettings read(Arguments arguments, Map<String, String> environment, Map<String, String> more) {
		Map<String, String> overrides = new HashMap<>(more);
		SETTINGS.forEach((option, property) -> {
			if (arguments.takes(option)) {
				arguments.option(option).ifPresent((value) -> overrides.put(property, checked(option, value)));
			}
		});
		if (arguments.takes(LOOPBACK_HTTP) && arguments.flag(LOOPBACK_HTTP)) {
			overrides.put("writ.trust.allow-loopback-http", "true");
		}
		return ServerSettings.read(environment, overrides);
	}

	private static String checked(String option, String value) {
		if (DURATIONS.contains(option)) {
			duration(value);
		}
		return value;
	}

	/**
	 * The duration an option names: {@code 30s}, {@code 5m}, {@code 1h}.
	 * @throws UsageException if it names none
	 */
	static Duration duration(String value) {
		return Durations.parse(value)
			.orElseThrow(() -> new UsageException("not a duration (such as 30s, 5m or 1h): " + value));
	}

}

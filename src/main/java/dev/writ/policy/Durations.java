package dev.writ.policy;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as policy files and the CLI write them: a whole number of {@code s},
 * {@code m} or {@code h}.
 */
public final class Durations {

	private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,6})(s|m|h)");

	private Durations() {
	}

	/**
	 * The duration {@code 30s}, {@code 5m} or {@code 1h} names, or empty if it is not
	 * one.
	 */
	public static Optional<Duration> parse(String value) {
		Matcher matcher = DURATION.matcher(value);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		long amount = Long.parseLong(matcher.group(1));
		return Optional.of(switch (matcher.group(2)) {
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofHours(amount);
		});
	}

	/**
	 * The shortest way to write {@code duration} in this syntax: {@code 2h}, {@code 90m},
	 * {@code 45s}.
	 */
	public static String format(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds != 0 && seconds % 3600 == 0) {
			return seconds / 3600 + "h";
		}
		if (seconds != 0 && seconds % 60 == 0) {
			return seconds / 60 + "m";
		}
		return seconds + "s";
	}

}

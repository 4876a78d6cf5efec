package dev.writ.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.writ.config.ServerSettings;
import dev.writ.config.WritProperties;
import dev.writ.error.Failures;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.KeySchedule;
import dev.writ.keys.ManagedKey;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.Durations;

/**
 * {@code keys generate|rotate|list}: the signing keys' lifecycle, on the server's own
 * schedule: the first key, the next one (published now, signing after the publish-ahead
 * time), and every key's state. An option not given is the server's setting from the
 * environment.
 */
final class KeysCommands implements CommandGroup {

	private static final Arguments.Syntax KEYS = Arguments.Syntax.of(0)
		.withOptions("--keys", "--algorithm", "--publish-ahead", "--max-ttl", "--retire-after", "--passphrase-file");

	private final Console console;

	KeysCommands(Console console) {
		this.console = console;
	}

	@Override
	public int run(String command, List<String> words) {
		return switch (command) {
			case "generate" -> generate(keys(words));
			case "rotate" -> rotate(keys(words));
			case "list" -> list(keys(words));
			default -> throw new UsageException("unknown command: keys " + command);
		};
	}

	private Keys keys(List<String> words) {
		Arguments arguments = Arguments.read(words, KEYS);
		ServerSettings settings = CommandSettings.read(arguments, this.console.environment(), Map.of());
		WritProperties properties = settings.properties();
		WritProperties.Keys keys = properties.keys();
		try {
			KeyAlgorithm algorithm = KeyAlgorithm.parse(keys.algorithm());
			// A command rotates when it is told to, never by period: the server's
			// rotation period plays no part.
			KeySchedule schedule = new KeySchedule(keys.publishAhead(),
					keys.retireAfter(properties.token().maxTtl(), properties.clockSkew()), Duration.ZERO);
			KeyDirectory directory = new KeyDirectory(properties.keysDir(), this.console.clock(), schedule,
					settings.passphrase());
			return new Keys(directory, algorithm);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(Failures.message(ex));
		}
	}

	private int generate(Keys keys) {
		KeyDirectory directory = keys.directory();
		if (directory.hasSigningKeys()) {
			this.console.err()
				.println("writ: " + directory.path() + " already holds signing keys; add the next one with: "
						+ "java -jar writ.jar keys rotate");
			return 1;
		}
		Path file = directory.generate(keys.algorithm());
		String kid = directory.load().active().kid();
		this.console.out()
			.println("Generated " + file + " (" + keys.algorithm() + ", kid " + kid
					+ "). As the first key it signs at once.");
		return 0;
	}

	private int rotate(Keys keys) {
		KeyDirectory directory = keys.directory();
		SigningKeys before = directory.load(); // refuses a directory with a bad file
												// before adding to it
		Path file = directory.rotate(keys.algorithm());
		SigningKeys after = directory.load();
		ManagedKey added = after.keys().stream().filter((k) -> k.file().equals(file)).findFirst().orElseThrow();
		KeySchedule schedule = directory.schedule();
		this.console.out().println("Added " + file + " (" + keys.algorithm() + ", kid " + added.kid() + ").");
		this.console.out()
			.println("It is published now and signs from " + added.activeFrom() + " (publish-ahead "
					+ Durations.format(schedule.publishAhead()) + "); " + before.active().kid()
					+ " then stays published until " + added.activeFrom().plus(schedule.retireAfter()) + ".");
		for (Path deleted : directory.prune(after)) {
			this.console.out().println("Deleted " + deleted + ": expired, every token it signed has expired.");
		}
		return 0;
	}

	private int list(Keys keys) {
		SigningKeys loaded = keys.directory().load();
		String row = "%-8s %-43s %-5s %-21s %-21s %s%n";
		this.console.out().printf(row, "STATE", "KID", "ALG", "SIGNS FROM", "PUBLISHED UNTIL", "FILE");
		for (ManagedKey key : loaded.keys()) {
			this.console.out()
				.printf(row, key.state().name().toLowerCase(Locale.ROOT), key.kid(), key.key().algorithm(),
						key.activeFrom(), (key.publishedUntil() != null) ? key.publishedUntil() : "-",
						key.file().getFileName());
		}
		return 0;
	}

	/**
	 * The key directory on the server's schedule, and the algorithm of a key generated in
	 * it.
	 */
	private record Keys(KeyDirectory directory, KeyAlgorithm algorithm) {
	}

}

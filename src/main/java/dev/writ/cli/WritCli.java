package dev.writ.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.spiffe.spiffeid.SpiffeId;

import dev.writ.keys.DemoAuthority;
import dev.writ.keys.KeyConfigurationException;
import dev.writ.policy.Durations;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyLoader;
import dev.writ.policy.PolicySet;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.RemoteKeys;
import dev.writ.trust.SpiffeIds;
import dev.writ.trust.TrustFactory;

/**
 * Writ's admin commands: {@code java -jar writ.jar <command>}. They reuse the server's own loaders and never parse a
 * file with code of their own.
 *
 * <ul>
 * <li>{@code policy check [DIR] [--keys DIR] [--max-ttl D] [--default-ttl D] [--allow-loopback-http]}: loads the
 * policies as the server does, fetching nothing, and lists every problem with file and line; exit 1 on any.</li>
 * <li>{@code dev svid SPIFFE_ID [--audience A]... [--ttl D] [--keys DIR]}: mints a JWT-SVID with the demo trust
 * domain's key, for trying an exchange with no SPIRE.</li>
 * </ul>
 */
public final class WritCli {

	private static final Set<String> COMMANDS = Set.of("policy", "dev", "help", "--help");

	private final PrintStream out;

	private final PrintStream err;

	private final Clock clock;

	public WritCli(PrintStream out, PrintStream err, Clock clock) {
		this.out = out;
		this.err = err;
		this.clock = clock;
	}

	/** Whether the arguments name a command rather than asking to serve. */
	public static boolean isCommand(String[] args) {
		return args.length > 0 && COMMANDS.contains(args[0]);
	}

	/** Runs a command and returns its exit code: 0 success, 1 a problem found, 2 a usage error. */
	public int run(String... args) {
		try {
			Arguments arguments = new Arguments(args);
			String command = arguments.next("a command");
			if ("help".equals(command) || "--help".equals(command)) {
				usage(this.out);
				return 0;
			}
			String sub = arguments.next("a sub-command");
			return switch (command + " " + sub) {
				case "policy check" -> policyCheck(arguments);
				case "dev svid" -> devSvid(arguments);
				default -> throw new UsageException("unknown command: " + command + " " + sub);
			};
		}
		catch (UsageException ex) {
			this.err.println("writ: " + ex.getMessage());
			usage(this.err);
			return 2;
		}
	}

	private int policyCheck(Arguments arguments) {
		Path keys = Path.of(arguments.option("--keys", "keys"));
		Duration maxTtl = duration(arguments.option("--max-ttl", "1h"));
		Duration defaultTtl = duration(arguments.option("--default-ttl", "5m"));
		boolean loopbackHttp = arguments.flag("--allow-loopback-http");
		Path directory = Path.of(arguments.positional("policies"));
		arguments.finish();
		// Checks what the server would load, fetching nothing and connecting to nothing.
		TrustFactory trust = new TrustFactory(new HttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(5), loopbackHttp),
				RemoteKeys.RefreshPolicy.defaults(), this.clock, Runnable::run, false);
		try (trust) {
			PolicySet set = new PolicyLoader(trust, keys, defaultTtl, maxTtl).load(directory);
			this.out.println("OK: " + directory + ": " + set.grantCount() + " grant(s), digest " + set.digest());
			return 0;
		}
		catch (PolicyException ex) {
			this.err.println(directory + ": " + ex.problems().size() + " problem(s):");
			ex.problems().forEach((problem) -> this.err.println("  " + problem));
			return 1;
		}
	}

	private int devSvid(Arguments arguments) {
		Path keys = Path.of(arguments.option("--keys", "keys"));
		Duration ttl = duration(arguments.option("--ttl", "5m"));
		List<String> audiences = arguments.options("--audience");
		String id = arguments.required("a SPIFFE ID");
		arguments.finish();
		SpiffeId spiffeId;
		try {
			spiffeId = SpiffeIds.parseId(id);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("not a SPIFFE ID: " + ex.getMessage());
		}
		if (audiences.isEmpty()) {
			audiences = List.of("http://localhost:8080");
		}
		try {
			DemoAuthority demo = DemoAuthority.of(keys, spiffeId.getTrustDomain());
			this.out.println(demo.mintSvid(spiffeId, audiences, ttl, this.clock));
			this.err.println("Minted a demo JWT-SVID for " + spiffeId + " (audience " + String.join(", ", audiences)
					+ ", valid " + ttl.toSeconds() + "s). Trusted only where policies/ has a demo entry for "
					+ spiffeId.getTrustDomain().getName() + ".");
			return 0;
		}
		catch (KeyConfigurationException ex) {
			ex.problems().forEach((problem) -> this.err.println("writ: " + problem));
			return 1;
		}
	}

	private static Duration duration(String value) {
		return Durations.parse(value)
			.orElseThrow(() -> new UsageException("not a duration (such as 30s, 5m or 1h): " + value));
	}

	private static void usage(PrintStream stream) {
		stream.println("""
				usage: java -jar writ.jar [COMMAND]
				  (no command)                      serve on port 8080
				  policy check [DIR] [--keys DIR] [--max-ttl D] [--default-ttl D] [--allow-loopback-http]
				                                    load policies as the server does; list every problem
				  dev svid SPIFFE_ID [--audience A]... [--ttl D] [--keys DIR]
				                                    mint a demo JWT-SVID (demo trust domain only)""");
	}

	/** A command line's words: options anywhere, positionals in order. */
	private static final class Arguments {

		private final List<String> words;

		Arguments(String[] args) {
			this.words = new ArrayList<>(List.of(args));
		}

		String next(String what) {
			if (this.words.isEmpty()) {
				throw new UsageException("missing " + what);
			}
			return this.words.remove(0);
		}

		List<String> options(String name) {
			List<String> values = new ArrayList<>();
			for (int i = this.words.indexOf(name); i >= 0; i = this.words.indexOf(name)) {
				if (i + 1 >= this.words.size()) {
					throw new UsageException(name + " needs a value");
				}
				values.add(this.words.remove(i + 1));
				this.words.remove(i);
			}
			return values;
		}

		String option(String name, String fallback) {
			List<String> values = options(name);
			if (values.size() > 1) {
				throw new UsageException(name + " may be given once");
			}
			return values.isEmpty() ? fallback : values.get(0);
		}

		boolean flag(String name) {
			return this.words.remove(name);
		}

		String positional(String fallback) {
			return this.words.isEmpty() ? fallback : this.words.remove(0);
		}

		String required(String what) {
			return next(what);
		}

		void finish() {
			if (!this.words.isEmpty()) {
				throw new UsageException("unexpected argument: " + this.words.get(0));
			}
		}

	}

	/** A command line Writ cannot make sense of. */
	private static final class UsageException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}

	}

}

package dev.writ.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.spiffe.spiffeid.SpiffeId;

import dev.writ.config.EnvironmentNames;
import dev.writ.config.ListeningIssuer;
import dev.writ.keys.DemoAuthority;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyConfigurationException;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.KeySchedule;
import dev.writ.keys.ManagedKey;
import dev.writ.keys.Passphrase;
import dev.writ.keys.SigningKeys;
import com.nimbusds.jose.util.JSONObjectUtils;

import dev.writ.policy.Decision;
import dev.writ.policy.DemoEntry;
import dev.writ.policy.Durations;
import dev.writ.policy.rehearsal.PolicyTestRunner;
import dev.writ.policy.rehearsal.ExplanationView;
import dev.writ.policy.rehearsal.Rehearsal;
import dev.writ.policy.PolicyException;
import dev.writ.policy.load.PolicyLoader;
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
 * <li>{@code policy test [DIR]}: runs the test cases of {@code DIR/tests/*.yaml}; exit 1 on any failure.</li>
 * <li>{@code policy explain [DIR] --subject S ...}: decides one request and says why, grant by grant; exit 0 on
 * allow, 3 on deny.</li>
 * <li>{@code keys generate|rotate|list [KEY OPTIONS]}: the signing keys' lifecycle, with the server's own
 * schedule: the first key, the next one (published now, signing after the publish-ahead time), and every key's
 * state.</li>
 * <li>{@code dev svid SPIFFE_ID [--audience A]... [--ttl D] [--keys DIR]}: mints a JWT-SVID with the demo trust
 * domain's key, for trying an exchange with no SPIRE.</li>
 * </ul>
 */
public final class WritCli {

	private static final Set<String> COMMANDS = Set.of("policy", "keys", "dev", "help", "--help", "-h");

	// The server's server.address in application.yaml: loopback until TLS or writ.allow-plain-http.
	private static final String SERVER_ADDRESS = "127.0.0.1";

	private final PrintStream out;

	private final PrintStream err;

	private final Clock clock;

	private final Map<String, String> environment;

	/** A command line that reads the server's settings from this process's environment where no option is given. */
	public WritCli(PrintStream out, PrintStream err, Clock clock) {
		this(out, err, clock, System.getenv());
	}

	/**
	 * @param environment where {@code WRIT_*} settings are read when an option is not given, so that a command run
	 * beside the server (in its container, with its environment) agrees with it
	 */
	public WritCli(PrintStream out, PrintStream err, Clock clock, Map<String, String> environment) {
		this.out = out;
		this.err = err;
		this.clock = clock;
		this.environment = Map.copyOf(environment);
	}

	/**
	 * Whether the arguments name a command rather than asking to serve. Writ serves with no argument, or with
	 * options only ({@code --server.port=8443}); any other first argument is a command, and one Writ does not know
	 * is a usage error — a mistyped command never starts a server.
	 */
	public static boolean isCommand(String[] args) {
		return args.length > 0 && (!args[0].startsWith("--") || COMMANDS.contains(args[0]));
	}

	/** Runs a command and returns its exit code: 0 success, 1 a problem found, 2 a usage error. */
	public int run(String... args) {
		try {
			Arguments arguments = new Arguments(args, this.environment);
			if (arguments.flag("--help") | arguments.flag("-h")) {
				usage();
				return 0;
			}
			String command = arguments.next("a command");
			if ("help".equals(command)) {
				usage();
				return 0;
			}
			if (!COMMANDS.contains(command)) {
				throw new UsageException("unknown command '" + command + "': the commands are policy check|test|explain, "
						+ "keys generate|rotate|list and dev svid|svids; with no command (or options only) Writ serves");
			}
			String sub = arguments.next("a sub-command");
			return switch (command + " " + sub) {
				case "policy check" -> policyCheck(arguments);
				case "policy test" -> policyTest(arguments);
				case "policy explain" -> policyExplain(arguments);
				case "keys generate" -> keysGenerate(arguments);
				case "keys rotate" -> keysRotate(arguments);
				case "keys list" -> keysList(arguments);
				case "dev svid" -> devSvid(arguments);
				case "dev svids" -> devSvids(arguments);
				default -> throw new UsageException("unknown command: " + command + " " + sub);
			};
		}
		catch (UsageException ex) {
			this.err.println("writ: " + ex.getMessage());
			this.err.println("writ: java -jar writ.jar --help lists the commands and their options");
			return 2;
		}
		catch (KeyConfigurationException ex) {
			ex.problems().forEach((problem) -> this.err.println("writ: " + problem));
			return 1;
		}
	}

	private int policyCheck(Arguments arguments) {
		PolicyOptions options = PolicyOptions.of(arguments);
		arguments.finish();
		try (TrustFactory trust = options.trust(this.clock)) {
			PolicySet set = options.load(trust);
			this.out.println("OK: " + options.directory() + ": " + set.grantCount() + " grant(s), "
					+ set.trust().sources().size() + " trust source(s), digest " + set.digest());
			set.demoEntries().forEach((demo) -> this.out.println("note: " + demo.trustDomain() + " is a demo trust "
					+ "domain (" + demo.where() + "): remove it before production"
					+ (demo.keyReady() ? "" : "; its key is generated when Writ starts, or by dev svid")));
			return 0;
		}
		catch (PolicyException ex) {
			return problems(options.directory().toString(), ex);
		}
	}

	private int policyTest(Arguments arguments) {
		PolicyOptions options = PolicyOptions.of(arguments);
		boolean verbose = arguments.flag("--explain");
		arguments.finish();
		try (TrustFactory trust = options.trust(this.clock)) {
			PolicySet set = options.load(trust);
			List<PolicyTestRunner.CaseResult> results = new PolicyTestRunner(set, this.clock).run(options.directory());
			int failed = 0;
			for (PolicyTestRunner.CaseResult result : results) {
				this.out.println((result.passed() ? "PASS " : "FAIL ") + result.name() + "  (" + result.where() + ")");
				result.mismatches().forEach((m) -> this.out.println("       " + m));
				if ((!result.passed() || verbose) && result.explanation() != null) {
					ExplanationView.steps(result.explanation()).forEach(this.out::println);
				}
				failed += result.passed() ? 0 : 1;
			}
			if (results.isEmpty()) {
				this.err.println("writ: no test cases in " + options.directory().resolve("tests"));
				return 1;
			}
			this.out.println((results.size() - failed) + " passed, " + failed + " failed");
			return (failed == 0) ? 0 : 1;
		}
		catch (PolicyException ex) {
			return problems(options.directory().toString(), ex);
		}
	}

	private int policyExplain(Arguments arguments) {
		PolicyOptions options = PolicyOptions.of(arguments);
		String subject = arguments.option("--subject", null);
		String trustName = arguments.option("--trust", null);
		Duration expiresIn = duration(arguments.option("--expires-in", "1h"));
		Map<String, Object> claims = new LinkedHashMap<>();
		String claimsFile = arguments.option("--claims", null);
		Rehearsal.Request.Builder request = Rehearsal.request()
			.subject(subject)
			.trust(trustName)
			.expiresIn(expiresIn)
			.audience(arguments.option("--audience", null))
			.resource(arguments.option("--resource", null))
			.scope(arguments.option("--scope", null));
		arguments.options("--claim").forEach((pair) -> claims.put(key(pair), value(pair)));
		arguments.options("--param").forEach((pair) -> request.parameter(key(pair), value(pair)));
		arguments.finish();
		if (subject == null) {
			throw new UsageException("policy explain needs --subject");
		}
		try (TrustFactory trust = options.trust(this.clock)) {
			if (claimsFile != null) {
				claims.putAll(JSONObjectUtils.parse(Files.readString(Path.of(claimsFile))));
			}
			PolicySet set = options.load(trust);
			Rehearsal.Result result = new Rehearsal(set, this.clock).explain(request.claims(claims).build());
			ExplanationView.text(result).forEach(this.out::println);
			Decision decision = result.explanation().decision();
			return (decision instanceof Decision.Allow) ? 0 : 3;
		}
		catch (PolicyException ex) {
			return problems(options.directory().toString(), ex);
		}
		catch (IllegalArgumentException | java.text.ParseException | java.io.IOException ex) {
			this.err.println("writ: " + ex.getMessage());
			return 1;
		}
		catch (dev.writ.error.ExchangeException ex) {
			this.err.println("writ: the request itself is refused: " + ex.errorCode().code() + " (" + ex.detail() + ")");
			return 3;
		}
	}

	private int problems(String directory, PolicyException ex) {
		this.err.println(directory + ": " + ex.problems().size() + " problem(s):");
		ex.problems().forEach((problem) -> this.err.println("  " + problem));
		return 1;
	}

	private static String key(String pair) {
		int eq = pair.indexOf('=');
		if (eq <= 0) {
			throw new UsageException("expected name=value, got " + pair);
		}
		return pair.substring(0, eq);
	}

	private static String value(String pair) {
		return pair.substring(pair.indexOf('=') + 1);
	}

	/** The options every policy command takes: where the policies and keys are, and the server's TTL settings. */
	private record PolicyOptions(Path directory, Path keys, Duration defaultTtl, Duration maxTtl, boolean loopbackHttp) {

		static PolicyOptions of(Arguments arguments) {
			Path keys = Path.of(arguments.setting("--keys", "writ.keys-dir", "keys"));
			Duration maxTtl = tokenMaxTtl(arguments, "--max-ttl");
			Duration defaultTtl = tokenDefaultTtl(arguments, "--default-ttl");
			boolean loopbackHttp = arguments.flag("--allow-loopback-http") || loopbackHttp(arguments);
			Path directory = Path.of(arguments.positional(arguments.setting(null, "writ.policies-dir", "policies")));
			return new PolicyOptions(directory, keys, defaultTtl, maxTtl, loopbackHttp);
		}

		/** The server's policy settings from the environment alone, for a command that takes no policy options. */
		static PolicyOptions ofSettings(Arguments arguments, Path keys, Path directory) {
			return new PolicyOptions(directory, keys, tokenDefaultTtl(arguments, null), tokenMaxTtl(arguments, null),
					loopbackHttp(arguments));
		}

		private static Duration tokenDefaultTtl(Arguments arguments, String option) {
			return duration(arguments.setting(option, "writ.token.default-ttl", "5m"));
		}

		private static boolean loopbackHttp(Arguments arguments) {
			return Boolean.parseBoolean(arguments.setting(null, "writ.trust.allow-loopback-http", "false"));
		}

		// Loads what the server would load, fetching nothing and connecting to nothing.
		TrustFactory trust(Clock clock) {
			return new TrustFactory(new HttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(5), this.loopbackHttp),
					RemoteKeys.RefreshPolicy.defaults(), clock, Runnable::run, false);
		}

		PolicySet load(TrustFactory trust) {
			return new PolicyLoader(trust, this.keys, this.defaultTtl, this.maxTtl).load(this.directory);
		}

	}

	private int keysGenerate(Arguments arguments) {
		KeyOptions options = KeyOptions.of(arguments);
		arguments.finish();
		KeyDirectory directory = options.directory(this.clock);
		if (hasSigningKeys(directory.path())) {
			this.err.println("writ: " + directory.path() + " already holds signing keys; add the next one with: "
					+ "java -jar writ.jar keys rotate");
			return 1;
		}
		Path file = directory.generate(options.algorithm());
		SigningKeys keys = directory.load();
		this.out.println("Generated " + file + " (" + options.algorithm() + ", kid " + keys.active().kid()
				+ "). As the first key it signs at once.");
		return 0;
	}

	private int keysRotate(Arguments arguments) {
		KeyOptions options = KeyOptions.of(arguments);
		arguments.finish();
		KeyDirectory directory = options.directory(this.clock);
		SigningKeys before = directory.load(); // refuses a directory with a bad file before adding to it
		Path file = directory.rotate(options.algorithm());
		SigningKeys after = directory.load();
		ManagedKey added = after.keys().stream().filter((k) -> k.file().equals(file)).findFirst().orElseThrow();
		this.out.println("Added " + file + " (" + options.algorithm() + ", kid " + added.kid() + ").");
		this.out.println("It is published now and signs from " + added.activeFrom() + " (publish-ahead "
				+ Durations.format(options.schedule().publishAhead()) + "); " + before.active().kid()
				+ " then stays published until " + added.activeFrom().plus(options.schedule().retireAfter()) + ".");
		for (Path deleted : directory.prune(after)) {
			this.out.println("Deleted " + deleted + ": expired, every token it signed has expired.");
		}
		return 0;
	}

	private int keysList(Arguments arguments) {
		KeyOptions options = KeyOptions.of(arguments);
		arguments.finish();
		SigningKeys keys = options.directory(this.clock).load();
		String row = "%-8s %-43s %-5s %-21s %-21s %s%n";
		this.out.printf(row, "STATE", "KID", "ALG", "SIGNS FROM", "PUBLISHED UNTIL", "FILE");
		for (ManagedKey key : keys.keys()) {
			this.out.printf(row, key.state().name().toLowerCase(java.util.Locale.ROOT),
					key.kid(), key.key().algorithm(), key.activeFrom(),
					(key.publishedUntil() != null) ? key.publishedUntil() : "-", key.file().getFileName());
		}
		return 0;
	}

	private static boolean hasSigningKeys(Path directory) {
		if (!Files.isDirectory(directory)) {
			return false;
		}
		try (var files = Files.list(directory)) {
			return files.anyMatch((f) -> f.getFileName().toString().endsWith(".pem") && Files.isRegularFile(f)
					&& !f.getFileName().toString().startsWith("."));
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	/** The key directory and the schedule, with the server's defaults. */
	private record KeyOptions(Path keys, KeyAlgorithm algorithm, KeySchedule schedule, Path passphraseFile) {

		static KeyOptions of(Arguments arguments) {
			Path keys = Path.of(arguments.setting("--keys", "writ.keys-dir", "keys"));
			KeyAlgorithm algorithm;
			try {
				algorithm = KeyAlgorithm.parse(arguments.setting("--algorithm", "writ.keys.algorithm", "ES256"));
			}
			catch (IllegalArgumentException ex) {
				throw new UsageException(ex.getMessage());
			}
			Duration ahead = duration(arguments.setting("--publish-ahead", "writ.keys.publish-ahead", "1h"));
			Duration maxTtl = tokenMaxTtl(arguments, "--max-ttl");
			Duration skew = duration(arguments.setting(null, "writ.clock-skew", "30s"));
			String retire = arguments.setting("--retire-after", "writ.keys.retire-after", null);
			Duration retireAfter = (retire != null) ? duration(retire) : maxTtl.plus(skew).plusMinutes(1);
			String passphrase = arguments.setting("--passphrase-file", "writ.keys.passphrase-file", null);
			try {
				return new KeyOptions(keys, algorithm, new KeySchedule(ahead, retireAfter, Duration.ZERO),
						(passphrase != null) ? Path.of(passphrase) : null);
			}
			catch (IllegalArgumentException ex) {
				throw new UsageException(ex.getMessage());
			}
		}

		KeyDirectory directory(Clock clock) {
			Passphrase passphrase = Passphrase.resolve(this.passphraseFile, System.getenv(Passphrase.ENVIRONMENT_VARIABLE));
			return new KeyDirectory(this.keys, clock, this.schedule, passphrase);
		}

	}

	private int devSvid(Arguments arguments) {
		DemoOptions options = DemoOptions.of(arguments);
		String id = arguments.required("a SPIFFE ID");
		arguments.finish();
		SpiffeId spiffeId = spiffeId(id);
		List<String> audiences = options.audiences(arguments);
		DemoAuthority demo = demoAuthority(arguments, options, spiffeId);
		this.out.println(demo.mintSvid(spiffeId, audiences, options.ttl(), this.clock));
		this.err.println("Minted a demo JWT-SVID for " + spiffeId + " (audience " + String.join(", ", audiences)
				+ ", valid " + options.ttl().toSeconds() + "s).");
		return 0;
	}

	/**
	 * The demo authority of the SPIFFE ID's trust domain, if the policies trust it with {@code demo: true}: a mistyped
	 * or other trust domain is refused, not given a key and a bundle of its own. Where there is no policies directory
	 * (a minter given only {@code keys/demo}), the demo key Writ generated for the entry must exist.
	 */
	private DemoAuthority demoAuthority(Arguments arguments, DemoOptions options, SpiffeId spiffeId) {
		String trustDomain = spiffeId.getTrustDomain().getName();
		DemoAuthority demo = DemoAuthority.of(options.keys(), spiffeId.getTrustDomain());
		if (!Files.isDirectory(options.policies())) {
			if (!Files.isRegularFile(demo.keyFile())) {
				throw new KeyConfigurationException(List.of("no demo key for " + trustDomain + " (" + demo.keyFile()
						+ ") and no policies directory (" + options.policies() + ") to find its demo entry in"));
			}
			return demo;
		}
		PolicyOptions policies = PolicyOptions.ofSettings(arguments, options.keys(), options.policies());
		List<DemoEntry> entries;
		try (TrustFactory trust = policies.trust(this.clock)) {
			entries = policies.load(trust).demoEntries();
		}
		catch (PolicyException ex) {
			throw new KeyConfigurationException(List.of("cannot tell whether " + options.policies() + " trusts "
					+ trustDomain + ": it has " + ex.problems().size() + " problem(s); see java -jar writ.jar policy check"));
		}
		if (entries.stream().noneMatch((entry) -> entry.trustDomain().equals(trustDomain))) {
			throw new KeyConfigurationException(List.of("no demo entry for " + trustDomain + " in " + options.policies()
					+ "/" + (entries.isEmpty() ? " (it has none)"
							: " (its demo trust domains: " + String.join(", ", entries.stream()
								.map(DemoEntry::trustDomain).toList()) + ")")
					+ ": dev svid mints only for a trust domain a spiffe entry trusts with demo: true"));
		}
		// Loading the policies wrote nothing: this explicit step generates the entry's key if Writ has not yet.
		demo.ensure();
		return demo;
	}

	/** The options of the {@code dev} commands. */
	private record DemoOptions(Path keys, Path policies, Duration ttl, List<String> audienceOptions) {

		static DemoOptions of(Arguments arguments) {
			return new DemoOptions(Path.of(arguments.setting("--keys", "writ.keys-dir", "keys")),
					Path.of(arguments.setting("--policies", "writ.policies-dir", "policies")),
					duration(arguments.option("--ttl", "5m")), arguments.options("--audience"));
		}

		// Unnamed, the audience is this Writ's issuer, as the server takes it from the same settings.
		List<String> audiences(Arguments arguments) {
			return this.audienceOptions.isEmpty() ? List.of(serverIssuer(arguments)) : this.audienceOptions;
		}

	}

	/** The issuer the server would take from this environment: {@code writ.issuer}, else where it listens. */
	private static String serverIssuer(Arguments arguments) {
		String issuer = arguments.setting(null, "writ.issuer", null);
		if (issuer != null) {
			return issuer;
		}
		return ListeningIssuer.derive((name) -> arguments.setting(null, name, "server.address".equals(name)
				? SERVER_ADDRESS : null))
			.issuer()
			.orElseThrow(() -> new UsageException("name the audience (--audience): with these settings the server "
					+ "cannot derive its issuer either (set writ.issuer)"));
	}

	private static SpiffeId spiffeId(String id) {
		try {
			return SpiffeIds.parseId(id);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("not a SPIFFE ID: " + ex.getMessage());
		}
	}

	// For load tests: COUNT distinct SVIDs, one per line.
	private int devSvids(Arguments arguments) {
		DemoOptions options = DemoOptions.of(arguments);
		int count;
		try {
			count = Integer.parseInt(arguments.required("a count"));
		}
		catch (NumberFormatException ex) {
			throw new UsageException("the count is a number");
		}
		String id = arguments.required("a SPIFFE ID");
		arguments.finish();
		SpiffeId spiffeId = spiffeId(id);
		demoAuthority(arguments, options, spiffeId).mintSvids(spiffeId, options.audiences(arguments), options.ttl(),
				this.clock, count, this.out::println);
		this.out.flush();
		return 0;
	}

	/** The server's {@code writ.token.max-ttl}, or {@code option} where it is given (null: no option). */
	private static Duration tokenMaxTtl(Arguments arguments, String option) {
		return duration(arguments.setting(option, "writ.token.max-ttl", "1h"));
	}

	private static Duration duration(String value) {
		return Durations.parse(value)
			.orElseThrow(() -> new UsageException("not a duration (such as 30s, 5m or 1h): " + value));
	}

	private void usage() {
		String serve;
		try {
			serve = "serve at " + serverIssuer(new Arguments(new String[0], this.environment));
		}
		catch (UsageException ex) {
			serve = "serve (set writ.issuer: it cannot be derived here)";
		}
		this.out.println("""
				usage: java -jar writ.jar [COMMAND]
				  (no command)                      %s
				  policy check [DIR] [POLICY OPTIONS]
				                                    load policies as the server does; list every problem
				  policy test [DIR] [POLICY OPTIONS] [--explain]
				                                    run the cases in DIR/tests/*.yaml; explain failures
				  policy explain [DIR] --subject S [--trust OIDC-NAME] [--claim K=V]... [--claims FILE]
				                 [--audience A] [--resource R] [--scope "A B"] [--param K=V]... [--expires-in D]
				                                    decide one request and say why, grant by grant
				    POLICY OPTIONS: --keys DIR  --max-ttl D  --default-ttl D  --allow-loopback-http
				  keys generate [KEY OPTIONS]       the first signing key of an empty key directory; signs at once
				  keys rotate [KEY OPTIONS]         add the next signing key: published now, signs after publish-ahead;
				                                    delete the files of expired keys
				  keys list [KEY OPTIONS]           every signing key with its state (next, active, retired, expired)
				    KEY OPTIONS: --keys DIR  --algorithm ES256|ES384|RS256  --publish-ahead D  --max-ttl D
				                 --retire-after D  --passphrase-file F (else $WRIT_KEYS_PASSPHRASE)
				  An option not given is the server's setting from this environment, as the server reads it
				  (--max-ttl: WRIT_TOKEN_MAXTTL, --keys: WRIT_KEYSDIR, DIR: WRIT_POLICIESDIR...), else its default:
				  run beside the server, in its container, a command agrees with it.
				  dev svid SPIFFE_ID [DEV OPTIONS]  mint a demo JWT-SVID, for a trust domain policies/ trusts with
				                                    demo: true
				  dev svids COUNT SPIFFE_ID [DEV OPTIONS]
				                                    mint COUNT distinct demo JWT-SVIDs, one per line (load tests)
				    DEV OPTIONS: --audience A (repeatable; default: the server's issuer)  --ttl D (default 5m)
				                 --keys DIR  --policies DIR
				  --help, after any command too, prints this.""".formatted(serve));
	}

	/** A command line's words: options anywhere, positionals in order. */
	private static final class Arguments {

		private final List<String> words;

		private final Map<String, String> environment;

		Arguments(String[] args, Map<String, String> environment) {
			this.words = new ArrayList<>(List.of(args));
			this.environment = environment;
		}

		/**
		 * The option's value if given, else the server's setting {@code property} from the environment, in either
		 * form Spring Boot binds ({@code WRIT_TOKEN_MAXTTL} or {@code WRIT_TOKEN_MAX_TTL}), else {@code fallback}.
		 * @param option the option, or null for a setting with no option
		 */
		String setting(String option, String property, String fallback) {
			String value = (option != null) ? option(option, null) : null;
			if (value != null) {
				return value;
			}
			for (String name : EnvironmentNames.all(property)) {
				String fromEnvironment = this.environment.get(name);
				if (fromEnvironment != null && !fromEnvironment.isBlank()) {
					return fromEnvironment;
				}
			}
			return fallback;
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

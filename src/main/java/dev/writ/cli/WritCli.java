package dev.writ.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.writ.config.ServerSettings;
import dev.writ.config.WritConfigurationException;
import dev.writ.keys.KeyConfigurationException;

/**
 * Writ's admin commands: {@code java -jar writ.jar <command>}. This class only routes:
 * each group of commands is a class of its own ({@link PolicyCommands},
 * {@link KeysCommands}, {@link DevCommands}), reading its words with {@link Arguments}
 * and the server's settings with {@link CommandSettings}. The commands reuse the server's
 * own loaders and settings, and never parse a file with code of their own.
 *
 * <ul>
 * <li>{@code policy check [DIR] [--keys DIR] [--max-ttl D] [--default-ttl D] [--allow-loopback-http]}:
 * loads the policies as the server does, fetching nothing, and lists every problem with
 * file and line; exit 1 on any.</li>
 * <li>{@code policy test [DIR]}: runs the test cases of {@code DIR/tests/*.yaml}; exit 1
 * on any failure.</li>
 * <li>{@code policy explain [DIR] --subject S ...}: decides one request and says why,
 * grant by grant; exit 0 on allow, 3 on deny.</li>
 * <li>{@code keys generate|rotate|list [KEY OPTIONS]}: the signing keys' lifecycle, with
 * the server's own schedule.</li>
 * <li>{@code dev svid SPIFFE_ID [--audience A]... [--ttl D] [--keys DIR]}: mints a
 * JWT-SVID with the demo trust domain's key, for trying an exchange with no SPIRE.</li>
 * <li>{@code credentials create-config --audience A (--token-url U | --issuer I) SOURCE}:
 * an {@code external_account} credential configuration for Google's auth libraries and
 * Writ's clients ({@link CredentialsCommands}).</li>
 * <li>{@code governance report [DIR] [--audit FILE] [--format md|json|html]}: the
 * register of API keys that remain and the grants ({@link GovernanceCommands}).</li>
 * <li>{@code leases list|revoke --url U --token-file F ...}: the leases of just-in-time
 * credentials of a running Writ ({@link LeasesCommands}).</li>
 * </ul>
 */
public final class WritCli {

	private static final Set<String> COMMANDS = Set.of("policy", "keys", "dev", "credentials", "governance", "leases",
			"help", "--help", "-h");

	private final Console console;

	private final Map<String, CommandGroup> groups;

	/**
	 * @param environment where the server's settings ({@code WRIT_*}, {@code SERVER_*})
	 * are read when an option is not given, so that a command run beside the server (in
	 * its container, with its environment) agrees with it
	 */
	public WritCli(PrintStream out, PrintStream err, Clock clock, Map<String, String> environment) {
		this.console = new Console(out, err, clock, environment);
		this.groups = Map.of("policy", new PolicyCommands(this.console), "keys", new KeysCommands(this.console), "dev",
				new DevCommands(this.console), "credentials", new CredentialsCommands(this.console), "governance",
				new GovernanceCommands(this.console), "leases", new LeasesCommands(this.console));
	}

	/**
	 * Whether the arguments name a command rather than asking to serve. Writ serves with
	 * no argument, or with options only ({@code --server.port=8443}); any other first
	 * argument is a command, and one Writ does not know is a usage error — a mistyped
	 * command never starts a server.
	 */
	public static boolean isCommand(String[] args) {
		return args.length > 0 && (!args[0].startsWith("--") || COMMANDS.contains(args[0]));
	}

	/**
	 * Runs a command and returns its exit code: 0 success, 1 a problem found, 2 a usage
	 * error.
	 */
	public int run(String... args) {
		List<String> words = List.of(args);
		try {
			if (Arguments.asksForHelp(words) || (!words.isEmpty() && "help".equals(words.get(0)))) {
				usage();
				return 0;
			}
			if (words.isEmpty()) {
				throw new UsageException("missing a command");
			}
			CommandGroup group = this.groups.get(words.get(0));
			if (group == null) {
				throw new UsageException("unknown command '" + words.get(0) + "': the commands are policy "
						+ "check|test|explain, keys generate|rotate|list, dev svid|svids, credentials create-config and governance "
						+ "report; with no command " + "(or options only) Writ serves");
			}
			if (words.size() < 2) {
				throw new UsageException("missing a sub-command");
			}
			return group.run(words.get(1), words.subList(2, words.size()));
		}
		catch (UsageException ex) {
			this.console.err().println("writ: " + ex.getMessage());
			this.console.err().println("writ: java -jar writ.jar --help lists the commands and their options");
			return 2;
		}
		catch (WritConfigurationException ex) {
			ex.problems()
				.forEach((problem) -> this.console.err()
					.println("writ: the server would refuse this setting: " + problem));
			return 2;
		}
		catch (KeyConfigurationException ex) {
			ex.problems().forEach((problem) -> this.console.err().println("writ: " + problem));
			return 1;
		}
	}

	private void usage() {
		String serve;
		try {
			serve = ServerSettings.read(this.console.environment(), Map.of())
				.issuer()
				.issuer()
				.map((issuer) -> "serve at " + issuer)
				.orElse("serve (set writ.issuer: it cannot be derived here)");
		}
		catch (WritConfigurationException ex) {
			serve = "serve (set writ.issuer: it cannot be derived here)";
		}
		this.console.out()
			.println(
					"""
							usage: java -jar writ.jar [COMMAND]
							  (no command)                      %s
							  policy check [DIR] [POLICY OPTIONS]
							                                    load policies as the server does; list every problem
							  policy test [DIR] [POLICY OPTIONS] [--explain]
							                                    run the cases in DIR/tests/*.yaml; explain failures
							  policy explain [DIR] --subject S [--trust OIDC-NAME] [--claim K=V]... [--claims FILE]
							                 [--audience A] [--resource R] [--scope "A B"] [--param K=V]... [--expires-in D]
							                 [--actor S [--actor-trust OIDC-NAME] [--actor-claim K=V]...]
							                 [--writ-token-for A --writ-token-grant G [--writ-token-scope "A B"]] [--dpop] [--mtls] [--credential]
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
							  credentials create-config --audience A (--token-url URL | --issuer URL) SOURCE [--output-file F]
							                 [--subject-token-type jwt|id_token] [--allow-loopback-http]
							                                    an external_account file for Google's auth libraries and Writ's
							                                    clients: where the workload's identity token is read, what it asks
							    SOURCE: --credential-source-file PATH | --credential-source-url URL [--credential-source-header K=V]...
							            (either with --credential-source-field F for a JSON document)
							            | --executable-command CMD [--executable-timeout-millis N] [--executable-output-file F]
							  governance report [DIR] [POLICY OPTIONS] [--audit FILE] [--format md|json|html]
							                                    the register of API keys that remain, each with its state, and
							                                    the grants; --audit: who federates, from writ.audit.file
							  leases list --url URL --token-file F [--json] [--allow-loopback-http]
							                                    the leases of just-in-time credentials, every node's; the token
							                                    (scope writ:leases) is read from F
							  leases revoke --url URL --token-file F (--lease-id ID | --subject S | --grant G)
							                                    revoke leases now: their users are removed from their targets
							  --help, after any command too, prints this."""
						.formatted(serve));
	}

}

package dev.writ.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.writ.request.TokenTypes;
import dev.writ.config.ServerSettings;
import dev.writ.error.ExchangeException;
import dev.writ.policy.Decision;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicySet;
import dev.writ.policy.rehearsal.ExplanationView;
import dev.writ.policy.rehearsal.PolicyTestRunner;
import dev.writ.policy.rehearsal.Rehearsal;

/**
 * {@code policy check|test|explain [DIR]}: the policies as the server loads them, with
 * its settings. An option not given is the server's setting from the environment
 * ({@code DIR}: {@code writ.policies-dir}).
 */
final class PolicyCommands implements CommandGroup {

	private static final Arguments.Syntax CHECK = Arguments.Syntax.of(1)
		.withOptions("--keys", "--max-ttl", "--default-ttl")
		.withFlags(CommandSettings.LOOPBACK_HTTP);

	private static final Arguments.Syntax TEST = CHECK.withFlags("--explain");

	private static final Arguments.Syntax CHECK_STRICT = CHECK.withFlags("--strict");

	private static final Arguments.Syntax EXPLAIN = CHECK
		.withOptions("--subject", "--trust", "--expires-in", "--claims", "--audience", "--resource", "--scope",
				"--claim", "--param", "--actor", "--actor-trust", "--actor-claim", "--writ-token-for",
				"--writ-token-grant", "--writ-token-scope")
		.withFlags("--dpop", "--mtls", "--credential");

	private final Console console;

	PolicyCommands(Console console) {
		this.console = console;
	}

	@Override
	public int run(String command, List<String> words) {
		return switch (command) {
			case "check" -> check(Arguments.read(words, CHECK_STRICT));
			case "test" -> test(Arguments.read(words, TEST));
			case "explain" -> explain(Arguments.read(words, EXPLAIN));
			default -> throw new UsageException("unknown command: policy " + command);
		};
	}

	private ServerSettings settings(Arguments arguments) {
		return CommandSettings.read(arguments, this.console.environment(),
				arguments.positional(0).map((directory) -> Map.of("writ.policies-dir", directory)).orElse(Map.of()));
	}

	private int check(Arguments arguments) {
		ServerSettings settings = settings(arguments);
		try (ServerPolicies policies = ServerPolicies.load(settings, this.console.clock())) {
			PolicySet set = policies.set();
			this.console.out()
				.println("OK: " + policies.directory() + ": " + set.grantCount() + " grant(s), "
						+ set.trust().sources().size() + " trust source(s), digest " + set.digest());
			set.demoEntries()
				.forEach((demo) -> this.console.out()
					.println("note: " + demo.trustDomain() + " is a demo trust domain (" + demo.where()
							+ "): remove it before production"
							+ (demo.keyReady() ? "" : "; its key is generated when Writ starts, or by dev svid")));
			int blocking = RegisterView.print(set.register(), this.console.clock(), this.console.out());
			if (arguments.flag("--strict") && blocking > 0) {
				this.console.err()
					.println("writ: --strict: " + blocking + " api key exception(s) expired or without a known owner");
				return 1;
			}
			return 0;
		}
		catch (PolicyException ex) {
			return problems(settings, ex);
		}
	}

	private int test(Arguments arguments) {
		ServerSettings settings = settings(arguments);
		boolean verbose = arguments.flag("--explain");
		try (ServerPolicies policies = ServerPolicies.load(settings, this.console.clock())) {
			List<PolicyTestRunner.CaseResult> results = new PolicyTestRunner(policies.set(), this.console.clock())
				.run(policies.directory());
			int failed = 0;
			for (PolicyTestRunner.CaseResult result : results) {
				this.console.out()
					.println((result.passed() ? "PASS " : "FAIL ") + result.name() + "  (" + result.where() + ")");
				result.mismatches().forEach((m) -> this.console.out().println("       " + m));
				if ((!result.passed() || verbose) && result.explanation() != null) {
					ExplanationView.steps(result.explanation()).forEach(this.console.out()::println);
				}
				failed += result.passed() ? 0 : 1;
			}
			if (results.isEmpty()) {
				this.console.err().println("writ: no test cases in " + policies.directory().resolve("tests"));
				return 1;
			}
			this.console.out().println((results.size() - failed) + " passed, " + failed + " failed");
			return (failed == 0) ? 0 : 1;
		}
		catch (PolicyException ex) {
			return problems(settings, ex);
		}
	}

	private int explain(Arguments arguments) {
		ServerSettings settings = settings(arguments);
		String subject = arguments.option("--subject")
			.orElseThrow(() -> new UsageException("policy explain needs --subject"));
		Rehearsal.Request.Builder request = Rehearsal.request()
			.subject(subject)
			.trust(arguments.option("--trust").orElse(null))
			.audience(arguments.option("--audience").orElse(null))
			.resource(arguments.option("--resource").orElse(null))
			.scope(arguments.option("--scope").orElse(null));
		Optional<String> actor = arguments.option("--actor");
		if (actor.isPresent()) {
			Map<String, Object> actorClaims = new LinkedHashMap<>();
			arguments.options("--actor-claim").forEach((pair) -> actorClaims.put(key(pair), value(pair)));
			request
				.actor(new Rehearsal.Party(arguments.option("--actor-trust").orElse(null), actor.get(), actorClaims));
		}
		else if (arguments.option("--actor-trust").isPresent() || !arguments.options("--actor-claim").isEmpty()) {
			throw new UsageException("--actor-trust and --actor-claim need --actor");
		}
		Optional<String> presentedFor = arguments.option("--writ-token-for");
		Optional<String> presentedGrant = arguments.option("--writ-token-grant");
		if (presentedFor.isPresent() != presentedGrant.isPresent()) {
			throw new UsageException("--writ-token-for and --writ-token-grant go together");
		}
		if (presentedFor.isPresent() && presentedGrant.isPresent()) {
			request.issued(new Rehearsal.Issued(presentedFor.get(), presentedGrant.get(),
					new java.util.LinkedHashSet<>(
							List.of(arguments.option("--writ-token-scope").orElse("").split(" +")))
						.stream()
						.filter((scope) -> !scope.isEmpty())
						.collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)),
					null));
		}
		request.dpop(arguments.flag("--dpop"));
		request.mtls(arguments.flag("--mtls"));
		if (arguments.flag("--credential")) {
			request.parameter("requested_token_type", TokenTypes.PASSWORD);
		}
		// Unsaid, the subject token's remaining life is the rehearsal's own default.
		arguments.option("--expires-in").map(CommandSettings::duration).ifPresent(request::expiresIn);
		Map<String, Object> claims = new LinkedHashMap<>();
		arguments.options("--claim").forEach((pair) -> claims.put(key(pair), value(pair)));
		arguments.options("--param").forEach((pair) -> request.parameter(key(pair), value(pair)));
		Optional<String> claimsFile = arguments.option("--claims");
		try {
			if (claimsFile.isPresent()) {
				claims.putAll(JSONObjectUtils.parse(Files.readString(Path.of(claimsFile.get()))));
			}
			try (ServerPolicies policies = ServerPolicies.load(settings, this.console.clock())) {
				Rehearsal.Result result = new Rehearsal(policies.set(), this.console.clock())
					.explain(request.claims(claims).build());
				ExplanationView.text(result).forEach(this.console.out()::println);
				return (result.explanation().decision() instanceof Decision.Allow) ? 0 : 3;
			}
		}
		catch (PolicyException ex) {
			return problems(settings, ex);
		}
		catch (IllegalArgumentException | ParseException | IOException ex) {
			this.console.err().println("writ: " + ex.getMessage());
			return 1;
		}
		catch (ExchangeException ex) {
			this.console.err()
				.println("writ: the request itself is refused: " + ex.errorCode().code() + " (" + ex.detail() + ")");
			return 3;
		}
	}

	private int problems(ServerSettings settings, PolicyException ex) {
		this.console.err().println(settings.properties().policiesDir() + ": " + ex.problems().size() + " problem(s):");
		ex.problems().forEach((problem) -> this.console.err().println("  " + problem));
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

}

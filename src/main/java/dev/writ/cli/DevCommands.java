package dev.writ.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.spiffe.spiffeid.SpiffeId;

import dev.writ.config.ServerSettings;
import dev.writ.keys.DemoAuthority;
import dev.writ.keys.KeyConfigurationException;
import dev.writ.policy.DemoEntry;
import dev.writ.policy.PolicyException;
import dev.writ.trust.SpiffeIds;

/**
 * {@code dev svid|svids}: JWT-SVIDs minted with the demo trust domain's key, for trying
 * an exchange with no SPIRE. Only for a trust domain the policies trust with
 * {@code demo: true}; unnamed, the audience is the issuer the server would take from the
 * same settings.
 */
final class DevCommands implements CommandGroup {

	private static final Arguments.Syntax SVID = Arguments.Syntax.of(1)
		.withOptions("--audience", "--ttl", "--keys", "--policies");

	private static final Arguments.Syntax SVIDS = Arguments.Syntax.of(2)
		.withOptions(SVID.options().toArray(String[]::new));

	// A demo JWT-SVID's lifetime, unless --ttl says otherwise.
	private static final String TTL = "5m";

	private final Console console;

	DevCommands(Console console) {
		this.console = console;
	}

	@Override
	public int run(String command, List<String> words) {
		return switch (command) {
			case "svid" -> svid(Arguments.read(words, SVID));
			case "svids" -> svids(Arguments.read(words, SVIDS));
			default -> throw new UsageException("unknown command: dev " + command);
		};
	}

	private int svid(Arguments arguments) {
		ServerSettings settings = CommandSettings.read(arguments, this.console.environment(), Map.of());
		Duration ttl = CommandSettings.duration(arguments.option("--ttl").orElse(TTL));
		SpiffeId spiffeId = spiffeId(arguments.required(0, "a SPIFFE ID"));
		List<String> audiences = audiences(arguments, settings);
		DemoAuthority demo = demoAuthority(settings, spiffeId);
		this.console.out().println(demo.mintSvid(spiffeId, audiences, ttl, this.console.clock()));
		this.console.err()
			.println("Minted a demo JWT-SVID for " + spiffeId + " (audience " + String.join(", ", audiences)
					+ ", valid " + ttl.toSeconds() + "s).");
		return 0;
	}

	// For load tests: COUNT distinct SVIDs, one per line.
	private int svids(Arguments arguments) {
		ServerSettings settings = CommandSettings.read(arguments, this.console.environment(), Map.of());
		Duration ttl = CommandSettings.duration(arguments.option("--ttl").orElse(TTL));
		int count;
		try {
			count = Integer.parseInt(arguments.required(0, "a count"));
		}
		catch (NumberFormatException ex) {
			throw new UsageException("the count is a number");
		}
		SpiffeId spiffeId = spiffeId(arguments.required(1, "a SPIFFE ID"));
		demoAuthority(settings, spiffeId).mintSvids(spiffeId, audiences(arguments, settings), ttl, this.console.clock(),
				count, this.console.out()::println);
		this.console.out().flush();
		return 0;
	}

	// Unnamed, the audience is this Writ's issuer, as the server takes it from the same
	// settings.
	private static List<String> audiences(Arguments arguments, ServerSettings settings) {
		List<String> named = arguments.options("--audience");
		if (!named.isEmpty()) {
			return named;
		}
		return List.of(settings.issuer()
			.issuer()
			.orElseThrow(() -> new UsageException("name the audience (--audience): with these settings the server "
					+ "cannot derive its issuer either (set writ.issuer)")));
	}

	/**
	 * The demo authority of the SPIFFE ID's trust domain, if the policies trust it with
	 * {@code demo: true}: a mistyped or other trust domain is refused, not given a key
	 * and a bundle of its own. Where there is no policies directory (a minter given only
	 * {@code keys/demo}), the demo key Writ generated for the entry must exist.
	 */
	private DemoAuthority demoAuthority(ServerSettings settings, SpiffeId spiffeId) {
		String trustDomain = spiffeId.getTrustDomain().getName();
		Path policies = settings.properties().policiesDir();
		DemoAuthority demo = DemoAuthority.of(settings.properties().keysDir(), spiffeId.getTrustDomain());
		if (!Files.isDirectory(policies)) {
			if (!Files.isRegularFile(demo.keyFile())) {
				throw new KeyConfigurationException(List.of("no demo key for " + trustDomain + " (" + demo.keyFile()
						+ ") and no policies directory (" + policies + ") to find its demo entry in"));
			}
			return demo;
		}
		List<DemoEntry> entries;
		try (ServerPolicies loaded = ServerPolicies.load(settings, this.console.clock())) {
			entries = loaded.set().demoEntries();
		}
		catch (PolicyException ex) {
			throw new KeyConfigurationException(List.of("cannot tell whether " + policies + " trusts " + trustDomain
					+ ": it has " + ex.problems().size() + " problem(s); see java -jar writ.jar policy check"));
		}
		if (entries.stream().noneMatch((entry) -> entry.trustDomain().equals(trustDomain))) {
			throw new KeyConfigurationException(
					List.of("no demo entry for " + trustDomain + " in " + policies + "/"
							+ (entries.isEmpty() ? " (it has none)" : " (its demo trust domains: "
									+ String.join(", ", entries.stream().map(DemoEntry::trustDomain).toList()) + ")")
							+ ": dev svid mints only for a trust domain a spiffe entry trusts with demo: true"));
		}
		// Loading the policies wrote nothing: this explicit step generates the entry's
		// key if Writ has not yet.
		demo.ensure();
		return demo;
	}

	private static SpiffeId spiffeId(String id) {
		try {
			return SpiffeIds.parseId(id);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("not a SPIFFE ID: " + ex.getMessage());
		}
	}

}

package dev.writ.policy.load;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.spiffe.spiffeid.TrustDomain;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.policy.DemoEntry;
import dev.writ.policy.SourceRules;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.OidcSource;
import dev.writ.trust.SpiffeSource;
import dev.writ.trust.TrustFactory;
import dev.writ.trust.TrustSource;

/**
 * The trust entries of a policy set as they are decoded — {@code spiffe:} trust domains
 * by {@link SpiffeEntryDecoder}, {@code oidc:} issuers by {@link OidcEntryDecoder} — into
 * trust sources and their rules: what the grants are compiled against. It remembers every
 * trust file read, and refuses an entry that could claim the same tokens as another.
 */
final class TrustDecoder {

	/**
	 * Names of entries and attributes: lowercase letters, digits and {@code -}, starting
	 * with a letter.
	 */
	static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

	private final TrustFactory factory;

	private final Path keysDirectory;

	private final Path base;

	private final List<TrustSource> sources = new ArrayList<>();

	private final Map<String, SourceRules> rules = new LinkedHashMap<>();

	private final Map<String, String> seen = new HashMap<>();

	private final Map<Path, String> files = new TreeMap<>();

	private final List<DemoEntry> demoEntries = new ArrayList<>();

	private final Set<String> refused = new HashSet<>();

	/**
	 * @param factory builds the sources
	 * @param keysDirectory where the demo trust domain's key and bundle are
	 * @param base what relative paths resolve against
	 */
	TrustDecoder(TrustFactory factory, Path keysDirectory, Path base) {
		this.factory = factory;
		this.keysDirectory = keysDirectory;
		this.base = base;
	}

	List<TrustSource> sources() {
		return this.sources;
	}

	/**
	 * Each source's rules (attributes, tenant claims, TTL capping, replay, limits), by
	 * source id.
	 */
	Map<String, SourceRules> rules() {
		return this.rules;
	}

	/** The rules of a source decoded so far. */
	SourceRules policy(String sourceId) {
		return this.rules.getOrDefault(sourceId, SourceRules.DEFAULT);
	}

	/** The trust domains of the SPIFFE entries decoded so far. */
	Set<TrustDomain> trustDomains() {
		Set<TrustDomain> domains = new LinkedHashSet<>();
		this.sources.forEach((s) -> {
			if (s instanceof SpiffeSource spiffe) {
				domains.add(spiffe.trustDomain());
			}
		});
		return domains;
	}

	/**
	 * Whether an entry of this name (an oidc name, or a SPIFFE trust domain's ID) is
	 * declared but refused for a problem already reported: a grant naming it gets no
	 * second problem caused by the first.
	 */
	boolean refused(String name) {
		return this.refused.contains(name);
	}

	/** Whether an OIDC entry of this name was decoded. */
	boolean hasOidc(String name) {
		return this.sources.stream().anyMatch((s) -> s instanceof OidcSource && s.id().equals(name));
	}

	TrustFactory factory() {
		return this.factory;
	}

	Path keysDirectory() {
		return this.keysDirectory;
	}

	/** A file an entry names, resolved against the policies' parent directory. */
	Path resolve(String file) {
		return this.base.resolve(file);
	}

	/** An entry declared but not built yet: refused, until {@link #add} builds it. */
	void pending(String id) {
		this.refused.add(id);
	}

	/** A built source, with the rules of its entry. */
	void add(String id, TrustSource source, SourceRules guards) {
		this.sources.add(source);
		this.rules.put(id, guards);
		this.refused.remove(id);
	}

	void demo(DemoEntry entry) {
		this.demoEntries.add(entry);
	}

	void spiffe(StrictYaml yaml, Node node) {
		new SpiffeEntryDecoder(this).decode(yaml, node);
	}

	void oidc(StrictYaml yaml, Node node) {
		new OidcEntryDecoder(this).decode(yaml, node);
	}

	/** A URL of an entry, or null with its problem recorded. */
	@Nullable URI url(StrictYaml yaml, Node node, String what) {
		String value = yaml.string(node, what);
		if (value == null) {
			return null;
		}
		try {
			URI uri = new URI(value);
			Optional<String> problem = HttpFetcher.urlProblem(uri, this.factory.allowLoopbackHttp());
			if (problem.isPresent()) {
				yaml.problem(node, what + " " + problem.get());
				return null;
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			yaml.problem(node, what + " is not a URL");
			return null;
		}
	}

	// Two entries that could claim the same tokens are refused: one trust domain, issuer
	// or name, once.
	boolean claim(StrictYaml yaml, Node node, String what) {
		String earlier = this.seen.putIfAbsent(what, yaml.where(node));
		if (earlier != null) {
			yaml.problem(node, what + " is already configured at " + earlier);
			return false;
		}
		return true;
	}

	// Every trust file read is remembered: the policy digest covers it, and the watcher
	// watches it.
	String read(Path file) throws IOException {
		String text = PolicyLoader.readText(file);
		this.files.put(file.toAbsolutePath().normalize(), text);
		return text;
	}

	/** The demo trust domains trusted so far. */
	List<DemoEntry> demoEntries() {
		return this.demoEntries;
	}

	/**
	 * The trust files read so far (bundles, JWKS files), with what they held when read.
	 */
	Map<Path, String> files() {
		return this.files;
	}

}

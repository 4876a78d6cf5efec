package dev.writ.policy.load;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.spiffe.spiffeid.TrustDomain;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.context.AttributeMapping;
import dev.writ.keys.DemoAuthority;
import dev.writ.request.ParameterSyntax;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.SpiffeIds;
import dev.writ.trust.TrustConfigurationException;
import dev.writ.trust.TrustFactory;
import dev.writ.trust.TrustSource;
import dev.writ.policy.DemoEntry;
import dev.writ.policy.SourcePolicy;

/**
 * Decodes the trust entries of policy files — {@code spiffe:} trust domains and {@code oidc:} issuers — into trust
 * sources and their attribute mappings, recording every problem with its line.
 */
final class TrustDecoder {

	private static final Set<String> SPIFFE_KEYS = Set.of("trust_domain", "bundle", "demo", "attributes",
			"cap_ttl_to_subject", "replay", "rate_limit", "on_store_failure", "max_token_lifetime", "multiple_audiences");

	private static final Set<String> BUNDLE_KEYS = Set.of("file", "endpoint", "workload_api");

	private static final Set<String> OIDC_KEYS = Set.of("name", "preset", "issuer", "audience", "jwks", "attributes",
			"tenant_claims", "cap_ttl_to_subject", "replay", "rate_limit", "on_store_failure", "max_token_lifetime");

	private static final Set<String> JWKS_KEYS = Set.of("url", "file");

	/** The bundle of a demo trust domain whose key is not generated yet. */
	private static final String NO_KEYS = "{\"keys\":[]}";

	/** Names of entries and attributes: lowercase letters, digits and {@code -}, starting with a letter. */
	static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

	private final TrustFactory factory;

	private final Path keysDirectory;

	private final Path base;

	private final List<TrustSource> sources = new ArrayList<>();

	private final Map<String, SourcePolicy> policies = new LinkedHashMap<>();

	private final Map<String, String> seen = new HashMap<>();

	private final Map<Path, String> files = new java.util.TreeMap<>();

	private final List<DemoEntry> demoEntries = new ArrayList<>();

	private final Set<String> refused = new java.util.HashSet<>();

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

	/** Source policies (attributes, tenant claims, TTL capping) by source id. */
	Map<String, SourcePolicy> policies() {
		return this.policies;
	}

	/** The source policy of a source decoded so far. */
	SourcePolicy policy(String sourceId) {
		return this.policies.getOrDefault(sourceId, SourcePolicy.DEFAULT);
	}

	/** The trust domains of the SPIFFE entries decoded so far. */
	Set<TrustDomain> trustDomains() {
		Set<TrustDomain> domains = new LinkedHashSet<>();
		this.sources.forEach((s) -> {
			if (s instanceof dev.writ.trust.SpiffeSource spiffe) {
				domains.add(spiffe.trustDomain());
			}
		});
		return domains;
	}

	/** Whether an OIDC entry of this name was decoded. */
	/**
	 * Whether an entry of this name (an oidc name, or a SPIFFE trust domain's ID) is declared but refused for a
	 * problem already reported: a grant naming it gets no second problem caused by the first.
	 */
	boolean refused(String name) {
		return this.refused.contains(name);
	}

	boolean hasOidc(String name) {
		return this.sources.stream().anyMatch((s) -> s instanceof dev.writ.trust.OidcSource && s.id().equals(name));
	}

	void spiffe(StrictYaml yaml, Node node) {
		Map<String, Node> entry = yaml.mapping(node, "a spiffe entry", SPIFFE_KEYS);
		if (entry == null) {
			return;
		}
		int before = yaml.problemCount();
		TrustDomain trustDomain = null;
		if (!entry.containsKey("trust_domain")) {
			yaml.problem(node, "a spiffe entry needs trust_domain");
		}
		else {
			String name = yaml.string(entry.get("trust_domain"), "trust_domain");
			if (name != null) {
				try {
					trustDomain = SpiffeIds.parseTrustDomain(name);
				}
				catch (IllegalArgumentException ex) {
					yaml.problem(entry.get("trust_domain"), "trust_domain is not a SPIFFE trust domain name: " + ex.getMessage());
				}
			}
		}
		boolean demo = entry.containsKey("demo") && Boolean.TRUE.equals(yaml.bool(entry.get("demo"), "demo"));
		if (demo == entry.containsKey("bundle")) {
			yaml.problem(node, "a spiffe entry needs exactly one of bundle and demo: true");
		}
		Map<String, Node> bundle = entry.containsKey("bundle") ? yaml.mapping(entry.get("bundle"), "bundle", BUNDLE_KEYS)
				: null;
		if (bundle != null && bundle.size() != 1) {
			yaml.problem(entry.get("bundle"), "bundle needs exactly one of file, endpoint and workload_api");
		}
		AttributeMapping mapping = SourcePolicyDecoder.attributes(yaml, entry.get("attributes"), Map.of());
		// SPIRE agents cache JWT-SVIDs and hand the same one out again: reuse by default.
		SourcePolicy guards = SourcePolicyDecoder.decode(yaml, entry, true, false, mapping, Set.of());
		if (trustDomain != null) {
			this.refused.add(trustDomain.toIdString()); // until its source is built
		}
		if (yaml.problemCount() > before || trustDomain == null) {
			return;
		}
		String id = trustDomain.toIdString();
		if (!claim(yaml, node, "trust domain " + trustDomain.getName())) {
			return;
		}
		try {
			TrustSource source;
			if (demo) {
				source = demo(trustDomain, yaml, node);
			}
			else if (bundle.containsKey("file")) {
				String file = yaml.string(bundle.get("file"), "bundle file");
				source = (file == null) ? null : this.factory.spiffeBundle(trustDomain, read(this.base.resolve(file)));
			}
			else if (bundle.containsKey("endpoint")) {
				URI endpoint = url(yaml, bundle.get("endpoint"), "bundle endpoint");
				source = (endpoint == null) ? null : this.factory.spiffeEndpoint(trustDomain, endpoint);
			}
			else {
				String address = yaml.string(bundle.get("workload_api"), "workload_api");
				source = (address == null) ? null : this.factory.spiffeWorkloadApi(trustDomain, address);
			}
			if (source != null) {
				this.sources.add(source);
				this.policies.put(id, guards);
				this.refused.remove(id);
			}
		}
		catch (TrustConfigurationException ex) {
			String domain = trustDomain.getName();
			ex.problems().forEach((p) -> yaml.problem(node, "the bundle of " + domain + ": " + p));
		}
		catch (IOException | IllegalArgumentException ex) {
			yaml.problem(node, "the bundle of " + trustDomain.getName() + ": " + ex.getMessage());
		}
	}

	private TrustSource demo(TrustDomain trustDomain, StrictYaml yaml, Node node) throws IOException {
		DemoAuthority demo = DemoAuthority.of(this.keysDirectory, trustDomain);
		// Loading only reads. The key is generated by an explicit step, the server's before it loads or dev svid:
		// until then the entry trusts no key, and fails closed.
		boolean ready = Files.isRegularFile(demo.keyFile()) && Files.isRegularFile(demo.bundleFile());
		this.demoEntries.add(new DemoEntry(trustDomain.getName(), demo.keyFile(), yaml.file(), StrictYaml.line(node), ready));
		return this.factory.spiffeBundle(trustDomain, ready ? read(demo.bundleFile()) : NO_KEYS);
	}

	void oidc(StrictYaml yaml, Node node) {
		Map<String, Node> entry = yaml.mapping(node, "an oidc entry", OIDC_KEYS);
		if (entry == null) {
			return;
		}
		int before = yaml.problemCount();
		String name = required(yaml, node, entry, "name");
		if (name != null && !NAME.matcher(name).matches()) {
			yaml.problem(entry.get("name"), "name must be lowercase letters, digits and '-', starting with a letter");
		}
		Preset preset = null;
		if (entry.containsKey("preset")) {
			String id = yaml.string(entry.get("preset"), "preset");
			preset = (id == null) ? null : Preset.of(id).orElse(null);
			if (id != null && preset == null) {
				yaml.problem(entry.get("preset"), "unknown preset '" + id + "' (known: " + Preset.names() + ")");
			}
		}
		String issuer = entry.containsKey("issuer") ? yaml.string(entry.get("issuer"), "issuer")
				: (preset != null) ? preset.issuer().orElse(null) : null;
		if (issuer == null && !entry.containsKey("issuer")) {
			yaml.problem(node, "an oidc entry needs issuer" + ((preset != null) ? " (preset " + preset.name().toLowerCase()
					+ " has none: each cluster, account or tenant has its own)" : ""));
		}
		else if (issuer != null) {
			issuerProblem(issuer).ifPresent((p) -> yaml.problem(entry.containsKey("issuer") ? entry.get("issuer") : node, p));
		}
		Set<String> audiences = audiences(yaml, entry.get("audience"));
		AttributeMapping mapping = SourcePolicyDecoder.attributes(yaml, entry.get("attributes"),
				(preset != null) ? preset.attributes() : Map.of());
		Set<String> tenantClaims = (preset != null) ? preset.tenantClaims() : Set.of();
		if (entry.containsKey("tenant_claims")) {
			List<String> declared = yaml.strings(entry.get("tenant_claims"), "tenant_claims");
			// On the preset's own, shared issuer an empty list would silently drop the guardrail that keeps one
			// tenant's grants from another tenant's tokens; an entry with an issuer of its own may say it serves one.
			if (declared != null && declared.isEmpty() && preset != null && !preset.tenantClaims().isEmpty()
					&& preset.issuer().isPresent() && preset.issuer().get().equals(issuer)) {
				yaml.problem(entry.get("tenant_claims"), "tenant_claims cannot be empty on " + preset.issuer().get()
						+ ", an issuer anyone can get tokens from: name the claims that identify a tenant (preset "
						+ preset.id() + " uses "
						+ String.join(", ", preset.tenantClaims()) + ")");
			}
			tenantClaims = (declared == null) ? tenantClaims : new LinkedHashSet<>(declared);
		}
		// A plain OIDC issuer's tokens are exchanged once each unless the entry says otherwise (secure default).
		SourcePolicy guards = SourcePolicyDecoder.decode(yaml, entry, false, (preset == null) || preset.oneTime(), mapping,
				tenantClaims);
		Keys keys = keys(yaml, entry.get("jwks"));
		if (name != null) {
			this.refused.add(name); // until its source is built
		}
		if (yaml.problemCount() > before || name == null || issuer == null || keys == null) {
			return;
		}
		if (!claim(yaml, node, "oidc name " + name) || !claim(yaml, node, "issuer " + issuer)) {
			return;
		}
		try {
			TrustSource source = switch (keys.kind()) {
				case "discovery" -> this.factory.oidcDiscovery(name, issuer, audiences);
				case "url" -> this.factory.oidcJwksUrl(name, issuer, audiences, URI.create(keys.value()));
				default -> this.factory.oidcJwks(name, issuer, audiences, read(this.base.resolve(keys.value())));
			};
			if (source != null) {
				this.sources.add(source);
				this.policies.put(name, guards);
				this.refused.remove(name);
			}
		}
		catch (TrustConfigurationException ex) {
			ex.problems().forEach((p) -> yaml.problem(node, "the keys of " + name + ": " + p));
		}
		catch (IOException | IllegalArgumentException ex) {
			yaml.problem(node, "the keys of " + name + ": " + ex.getMessage());
		}
	}

	/** Where an OIDC entry's keys come from: {@code discovery} (default), a JWKS {@code url} or a JWKS {@code file}. */
	private record Keys(String kind, String value) {
	}

	private Keys keys(StrictYaml yaml, Node jwks) {
		if (jwks == null) {
			return new Keys("discovery", null);
		}
		if (jwks instanceof org.yaml.snakeyaml.nodes.ScalarNode) {
			String value = yaml.string(jwks, "jwks");
			if (!"discovery".equals(value)) {
				yaml.problem(jwks, "jwks is discovery, { url: ... } or { file: ... }");
				return null;
			}
			return new Keys("discovery", null);
		}
		Map<String, Node> form = yaml.mapping(jwks, "jwks", JWKS_KEYS);
		if (form == null || form.size() != 1) {
			yaml.problem(jwks, "jwks needs exactly one of url and file");
			return null;
		}
		if (form.containsKey("url")) {
			URI url = url(yaml, form.get("url"), "jwks url");
			return (url == null) ? null : new Keys("url", url.toString());
		}
		String file = yaml.string(form.get("file"), "jwks file");
		return (file == null) ? null : new Keys("file", file);
	}

	private Optional<String> issuerProblem(String issuer) {
		try {
			return HttpFetcher.urlProblem(new URI(issuer), this.factory.allowLoopbackHttp()).map((p) -> "issuer " + p);
		}
		catch (URISyntaxException ex) {
			return Optional.of("issuer is not a URL");
		}
	}

	private URI url(StrictYaml yaml, Node node, String what) {
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

	private static Set<String> audiences(StrictYaml yaml, Node node) {
		if (node == null) {
			return Set.of(); // Writ's own audiences: writ.issuer and writ.audiences
		}
		List<String> values = (node instanceof org.yaml.snakeyaml.nodes.ScalarNode)
				? Optional.ofNullable(yaml.string(node, "audience")).map(List::of).orElse(null)
				: yaml.strings(node, "audience");
		if (values == null) {
			return Set.of();
		}
		for (String audience : values) {
			if (!ParameterSyntax.isAudience(audience)) {
				yaml.problem(node, "audience must be printable ASCII without spaces");
			}
		}
		return new LinkedHashSet<>(values);
	}

	private static String required(StrictYaml yaml, Node node, Map<String, Node> entry, String key) {
		if (!entry.containsKey(key)) {
			yaml.problem(node, "an oidc entry needs " + key);
			return null;
		}
		return yaml.string(entry.get(key), key);
	}

	// Two entries that could claim the same tokens are refused: one trust domain, issuer or name, once.
	private boolean claim(StrictYaml yaml, Node node, String what) {
		String earlier = this.seen.putIfAbsent(what, yaml.where(node));
		if (earlier != null) {
			yaml.problem(node, what + " is already configured at " + earlier);
			return false;
		}
		return true;
	}

	// Every trust file read is remembered: the policy digest covers it, and the watcher watches it.
	private String read(Path file) throws IOException {
		String text = PolicyLoader.readText(file);
		this.files.put(file.toAbsolutePath().normalize(), text);
		return text;
	}

	/** The demo trust domains trusted so far. */
	List<DemoEntry> demoEntries() {
		return this.demoEntries;
	}

	/** The trust files read so far (bundles, JWKS files), with what they held when read. */
	Map<Path, String> files() {
		return this.files;
	}

}

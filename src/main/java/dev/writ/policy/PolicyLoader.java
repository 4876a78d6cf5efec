package dev.writ.policy;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.keys.DemoAuthority;
import dev.writ.keys.KeyConfigurationException;
import dev.writ.request.ParameterSyntax;
import dev.writ.trust.SpiffeBundle;
import dev.writ.trust.SpiffeIds;
import dev.writ.trust.SpiffeTrust;
import dev.writ.trust.TrustConfigurationException;

/**
 * Loads the policy files of a directory ({@code *.yaml} and {@code *.yml} directly in it, by name) into one
 * {@link PolicySet}: trust entries ({@code spiffe:}) and grants ({@code grants:}), decoded strictly. Any problem
 * anywhere refuses the whole set, with every problem listed by file and line. The server, {@code policy check} and
 * the tests all load policies through this one class.
 *
 * <p>Relative paths in policy files resolve against the parent of the policies directory: the project root in the
 * default layout, where {@code keys/} and {@code policies/} stand side by side.
 */
public final class PolicyLoader {

	private static final Logger logger = LoggerFactory.getLogger(PolicyLoader.class);

	/** Largest policy or bundle file read. */
	static final long MAX_FILE_BYTES = 1024 * 1024;

	private static final Set<String> TOP_LEVEL = Set.of("spiffe", "grants");

	private static final Set<String> SPIFFE_KEYS = Set.of("trust_domain", "bundle", "demo");

	private static final Set<String> BUNDLE_KEYS = Set.of("file");

	private static final Set<String> GRANT_KEYS = Set.of("id", "description", "subject", "subject_pattern",
			"audience", "scopes", "ttl");

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private static final Pattern PATTERN_PREFIX = Pattern.compile("spiffe://([^/]+)/.*", Pattern.DOTALL);

	private final Path keysDirectory;

	private final Duration defaultTtl;

	private final Duration maxTtl;

	/**
	 * @param keysDirectory where the demo trust domain's key and bundle are kept
	 * @param defaultTtl the lifetime of a grant's tokens when it names none
	 * @param maxTtl the server's cap on any token's lifetime
	 */
	public PolicyLoader(Path keysDirectory, Duration defaultTtl, Duration maxTtl) {
		this.keysDirectory = Objects.requireNonNull(keysDirectory, "keysDirectory cannot be null");
		this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl cannot be null");
		this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl cannot be null");
		if (defaultTtl.compareTo(maxTtl) > 0) {
			throw new IllegalArgumentException("defaultTtl cannot exceed maxTtl");
		}
	}

	/**
	 * Loads and compiles every policy file of a directory.
	 * @param directory the policies directory
	 * @return the policy set
	 * @throws PolicyException listing every problem, if there is any
	 */
	public PolicySet load(Path directory) {
		List<PolicyProblem> problems = new ArrayList<>();
		List<Path> files = policyFiles(directory, problems);
		List<TrustEntry> trustEntries = new ArrayList<>();
		List<GrantEntry> grantEntries = new ArrayList<>();
		MessageDigest digest = sha256();
		for (Path file : files) {
			String text = read(file, problems);
			if (text == null) {
				continue;
			}
			digest.update((file.getFileName() + "\0" + text + "\0").getBytes(StandardCharsets.UTF_8));
			decode(new StrictYaml(file, problems), text, trustEntries, grantEntries);
		}
		Path base = directory.toAbsolutePath().getParent();
		List<SpiffeBundle> bundles = loadTrust(trustEntries, base, problems);
		Set<TrustDomain> trusted = new LinkedHashSet<>();
		trustEntries.forEach((entry) -> trusted.add(entry.trustDomain()));
		List<Grant> grants = compileGrants(grantEntries, trusted, problems);
		if (!problems.isEmpty()) {
			problems.sort(Comparator.comparing((PolicyProblem p) -> p.file().toString()).thenComparingInt(PolicyProblem::line));
			throw new PolicyException(problems);
		}
		return new PolicySet(SpiffeTrust.of(bundles), grants, HexFormat.of().formatHex(digest.digest()));
	}

	private static List<Path> policyFiles(Path directory, List<PolicyProblem> problems) {
		if (!Files.isDirectory(directory)) {
			problems.add(new PolicyProblem(directory, 0, "is not a directory"));
			return List.of();
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.filter(Files::isRegularFile).filter((p) -> {
				String name = p.getFileName().toString();
				return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
			}).sorted().toList();
		}
		catch (IOException ex) {
			problems.add(new PolicyProblem(directory, 0, "cannot be read: " + ex.getMessage()));
			return List.of();
		}
	}

	private static String read(Path file, List<PolicyProblem> problems) {
		try {
			if (Files.size(file) > MAX_FILE_BYTES) {
				problems.add(new PolicyProblem(file, 0, "is larger than " + MAX_FILE_BYTES + " bytes"));
				return null;
			}
			return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
		}
		catch (CharacterCodingException ex) {
			problems.add(new PolicyProblem(file, 0, "is not UTF-8 text"));
		}
		catch (IOException ex) {
			problems.add(new PolicyProblem(file, 0, "cannot be read: " + ex.getMessage()));
		}
		return null;
	}

	private static void decode(StrictYaml yaml, String text, List<TrustEntry> trustEntries,
			List<GrantEntry> grantEntries) {
		Node root = yaml.parse(text);
		if (root == null) {
			return; // an empty file, or one that does not parse (then a problem is recorded)
		}
		Map<String, Node> top = yaml.mapping(root, "a policy file", TOP_LEVEL);
		if (top == null) {
			return;
		}
		if (top.containsKey("spiffe")) {
			List<Node> items = yaml.sequence(top.get("spiffe"), "spiffe");
			if (items != null) {
				items.forEach((item) -> decodeTrust(yaml, item).ifPresent(trustEntries::add));
			}
		}
		if (top.containsKey("grants")) {
			List<Node> items = yaml.sequence(top.get("grants"), "grants");
			if (items != null) {
				items.forEach((item) -> decodeGrant(yaml, item).ifPresent(grantEntries::add));
			}
		}
	}

	private static Optional<TrustEntry> decodeTrust(StrictYaml yaml, Node node) {
		Map<String, Node> entry = yaml.mapping(node, "a spiffe entry", SPIFFE_KEYS);
		if (entry == null) {
			return Optional.empty();
		}
		int problemsBefore = yaml.problemCount();
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
		String bundleFile = null;
		if (entry.containsKey("bundle")) {
			Map<String, Node> bundle = yaml.mapping(entry.get("bundle"), "bundle", BUNDLE_KEYS);
			if (bundle != null && !bundle.containsKey("file")) {
				yaml.problem(entry.get("bundle"), "bundle needs file");
			}
			else if (bundle != null) {
				bundleFile = yaml.string(bundle.get("file"), "bundle file");
			}
		}
		if (demo == entry.containsKey("bundle")) {
			yaml.problem(node, "a spiffe entry needs exactly one of bundle and demo: true");
		}
		if (yaml.problemCount() > problemsBefore) {
			return Optional.empty();
		}
		return Optional.of(new TrustEntry(trustDomain, bundleFile, demo, yaml.file(), StrictYaml.line(node)));
	}

	private static Optional<GrantEntry> decodeGrant(StrictYaml yaml, Node node) {
		Map<String, Node> entry = yaml.mapping(node, "a grant", GRANT_KEYS);
		if (entry == null) {
			return Optional.empty();
		}
		for (String required : List.of("id", "audience", "scopes")) {
			if (!entry.containsKey(required)) {
				yaml.problem(node, "a grant needs " + required);
			}
		}
		if (entry.containsKey("subject") == entry.containsKey("subject_pattern")) {
			yaml.problem(node, "a grant needs exactly one of subject and subject_pattern");
		}
		return Optional.of(new GrantEntry(yaml, node, entry));
	}

	private List<SpiffeBundle> loadTrust(List<TrustEntry> entries, Path base, List<PolicyProblem> problems) {
		Map<TrustDomain, TrustEntry> seen = new HashMap<>();
		List<SpiffeBundle> bundles = new ArrayList<>();
		for (TrustEntry entry : entries) {
			TrustEntry earlier = seen.putIfAbsent(entry.trustDomain(), entry);
			if (earlier != null) {
				entry.problem(problems, "trust domain " + entry.trustDomain().getName() + " is already configured at "
						+ earlier.where());
				continue;
			}
			Path file;
			if (entry.demo()) {
				DemoAuthority demo = DemoAuthority.of(this.keysDirectory, entry.trustDomain());
				try {
					demo.ensure();
				}
				catch (KeyConfigurationException ex) {
					ex.problems().forEach((p) -> entry.problem(problems, "demo trust domain: " + p));
					continue;
				}
				file = demo.bundleFile();
				logger.warn("DEMO TRUST: trust domain {} is trusted with a key generated on this machine ({}). Anyone who "
						+ "can read that key can mint its identities. Remove the demo entry ({}) before production.",
						entry.trustDomain().getName(), this.keysDirectory.resolve("demo"), entry.where());
			}
			else {
				file = base.resolve(entry.bundleFile());
			}
			String json = read(file, problems);
			if (json == null) {
				entry.problem(problems, "the bundle of " + entry.trustDomain().getName() + " cannot be read from " + file);
				continue;
			}
			try {
				bundles.add(SpiffeBundle.parse(entry.trustDomain(), json));
			}
			catch (TrustConfigurationException ex) {
				ex.problems().forEach((p) -> entry.problem(problems, "bundle " + file + ": " + p));
			}
		}
		return bundles;
	}

	private List<Grant> compileGrants(List<GrantEntry> entries, Set<TrustDomain> trusted, List<PolicyProblem> problems) {
		Map<String, String> ids = new HashMap<>();
		List<Grant> grants = new ArrayList<>();
		for (GrantEntry entry : entries) {
			int before = problems.size();
			StrictYaml yaml = entry.yaml();
			Map<String, Node> fields = entry.fields();
			String id = fields.containsKey("id") ? yaml.string(fields.get("id"), "id") : null;
			if (id != null && !ID.matcher(id).matches()) {
				yaml.problem(fields.get("id"), "id must be 1-64 letters, digits, '.', '_' or '-'");
			}
			else if (id != null && ids.putIfAbsent(id, yaml.where(entry.node())) != null) {
				yaml.problem(fields.get("id"), "grant id '" + id + "' is already used at " + ids.get(id));
			}
			if (fields.containsKey("description")) {
				yaml.string(fields.get("description"), "description");
			}
			SubjectMatcher subject = subject(yaml, fields, trusted);
			String audience = fields.containsKey("audience") ? yaml.string(fields.get("audience"), "audience") : null;
			if (audience != null && !ParameterSyntax.isAudience(audience)) {
				yaml.problem(fields.get("audience"), "audience must be printable ASCII without spaces");
			}
			Set<String> scopes = scopes(yaml, fields);
			Duration ttl = ttl(yaml, fields);
			if (problems.size() == before && id != null && subject != null && audience != null && scopes != null
					&& ttl != null) {
				grants.add(new Grant(id, subject, audience, scopes, ttl, yaml.where(entry.node())));
			}
		}
		return grants;
	}

	private static SubjectMatcher subject(StrictYaml yaml, Map<String, Node> fields, Set<TrustDomain> trusted) {
		if (fields.containsKey("subject") && !fields.containsKey("subject_pattern")) {
			Node node = fields.get("subject");
			String value = yaml.string(node, "subject");
			if (value == null) {
				return null;
			}
			try {
				SpiffeId id = SpiffeIds.parseId(value);
				if (!trusted.contains(id.getTrustDomain())) {
					yaml.problem(node, "subject is in trust domain " + id.getTrustDomain().getName()
							+ ", which no spiffe entry trusts");
					return null;
				}
				return new SubjectMatcher.Exact(id.toString(), id.getTrustDomain());
			}
			catch (IllegalArgumentException ex) {
				yaml.problem(node, "subject is not a SPIFFE ID: " + ex.getMessage());
				return null;
			}
		}
		if (fields.containsKey("subject_pattern") && !fields.containsKey("subject")) {
			Node node = fields.get("subject_pattern");
			String value = yaml.string(node, "subject_pattern");
			if (value == null) {
				return null;
			}
			Matcher prefix = PATTERN_PREFIX.matcher(value);
			TrustDomain domain = null;
			if (prefix.matches()) {
				try {
					domain = SpiffeIds.parseTrustDomain(prefix.group(1).replace("\\.", "."));
				}
				catch (IllegalArgumentException ex) {
					domain = null;
				}
			}
			if (domain == null || !trusted.contains(domain)) {
				yaml.problem(node, "subject_pattern must begin with spiffe://<trust domain>/ naming a trusted trust domain");
				return null;
			}
			try {
				return new SubjectMatcher.Anchored(Pattern.compile(value), domain);
			}
			catch (PatternSyntaxException ex) {
				yaml.problem(node, "subject_pattern is not a valid regular expression: " + ex.getDescription());
				return null;
			}
		}
		return null;
	}

	private static Set<String> scopes(StrictYaml yaml, Map<String, Node> fields) {
		if (!fields.containsKey("scopes")) {
			return null;
		}
		List<String> values = yaml.strings(fields.get("scopes"), "scopes");
		if (values == null) {
			return null;
		}
		Set<String> scopes = new LinkedHashSet<>();
		for (String scope : values) {
			if (!ParameterSyntax.isScopeToken(scope)) {
				yaml.problem(fields.get("scopes"), "scope '" + scope + "' is not an RFC 6749 scope token");
				return null;
			}
			if (!scopes.add(scope)) {
				yaml.problem(fields.get("scopes"), "scope '" + scope + "' is listed twice");
				return null;
			}
		}
		return scopes;
	}

	private Duration ttl(StrictYaml yaml, Map<String, Node> fields) {
		if (!fields.containsKey("ttl")) {
			return this.defaultTtl;
		}
		String value = yaml.string(fields.get("ttl"), "ttl");
		if (value == null) {
			return null;
		}
		Duration ttl = Durations.parse(value).orElse(null);
		if (ttl == null) {
			yaml.problem(fields.get("ttl"), "ttl must be a whole number of s, m or h, such as 5m");
			return null;
		}
		if (ttl.compareTo(this.maxTtl) > 0) {
			yaml.problem(fields.get("ttl"), "ttl " + value + " exceeds the server's cap of " + this.maxTtl.toSeconds()
					+ "s (writ.token.max-ttl)");
			return null;
		}
		return ttl;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("the JDK has no SHA-256", ex);
		}
	}

	/** A decoded spiffe entry, before its bundle is read. */
	private record TrustEntry(TrustDomain trustDomain, String bundleFile, boolean demo, Path file, int line) {

		String where() {
			return this.file + ":" + this.line;
		}

		void problem(List<PolicyProblem> problems, String message) {
			problems.add(new PolicyProblem(this.file, this.line, message));
		}

	}

	/** A grant as decoded, before it is compiled. */
	private record GrantEntry(StrictYaml yaml, Node node, Map<String, Node> fields) {
	}

}

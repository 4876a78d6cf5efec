package dev.writ.policy.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.digest.Sha256;
import dev.writ.error.Failures;
import dev.writ.trust.TrustFactory;
import dev.writ.trust.TrustSet;
import dev.writ.policy.Condition;
import dev.writ.policy.Grant;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;
import dev.writ.policy.PolicySet;
import dev.writ.request.ExchangeRequestParser;

/**
 * Loads the policy files of a directory ({@code *.yaml} and {@code *.yml} directly in it,
 * by name) into one {@link PolicySet}: trust entries ({@code spiffe:}, {@code oidc:}),
 * grants ({@code grants:}) and the register of API keys that remain ({@code owners:},
 * {@code api_keys:}), decoded strictly. Any problem anywhere refuses the whole set, with
 * every problem listed by file and line. The server, {@code policy check} and the tests
 * all load policies through this one class.
 *
 * <p>
 * Relative paths in policy files resolve against the parent of the policies directory:
 * the project root in the default layout, where {@code keys/} and {@code policies/} stand
 * side by side.
 */
public final class PolicyLoader {

	/** Largest policy, bundle or JWKS file read. */
	static final long MAX_FILE_BYTES = 1024 * 1024;

	private static final Set<String> TOP_LEVEL = Set.of("spiffe", "oidc", "parameters", "grants", "owners", "api_keys",
			"targets");

	private static final Pattern PARAMETER = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	private final TrustFactory trust;

	private final Path keysDirectory;

	private final Duration defaultTtl;

	private final Duration maxTtl;

	/**
	 * @param trust builds trust sources
	 * @param keysDirectory where the demo trust domain's key and bundle are kept
	 * @param defaultTtl the lifetime of a grant's tokens when it names none
	 * @param maxTtl the server's cap on any token's lifetime
	 */
	public PolicyLoader(TrustFactory trust, Path keysDirectory, Duration defaultTtl, Duration maxTtl) {
		this.trust = Objects.requireNonNull(trust, "trust cannot be null");
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
		// Before any trust source is built (the Workload API's client initialises
		// protobuf's classes) or any condition compiled: see Condition.awaitPreparation.
		Condition.awaitPreparation();
		List<PolicyProblem> problems = new ArrayList<>();
		MessageDigest digest = Sha256.start();
		List<Document> documents = new ArrayList<>();
		for (Path file : policyFiles(directory, problems)) {
			String text = read(file, problems);
			if (text == null) {
				continue;
			}
			digest.update((file.getFileName() + "\0" + text + "\0").getBytes(StandardCharsets.UTF_8));
			StrictYaml yaml = new StrictYaml(file, problems);
			Node root = yaml.parse(text);
			Map<String, Node> top = (root != null) ? yaml.mapping(root, "a policy file", TOP_LEVEL) : null;
			if (top != null) {
				documents.add(new Document(yaml, top));
			}
		}
		// Trust first, from every file, so that grants in any file may name trust from
		// any other.
		Path absolute = directory.toAbsolutePath();
		Path parent = absolute.getParent();
		Path site = (parent != null) ? parent : absolute;
		TrustDecoder trust = new TrustDecoder(this.trust, this.keysDirectory, site);
		documents.forEach((d) -> d.each("spiffe", (node) -> trust.spiffe(d.yaml(), node)));
		documents.forEach((d) -> d.each("oidc", (node) -> trust.oidc(d.yaml(), node)));
		Set<String> parameters = new LinkedHashSet<>();
		documents.forEach((d) -> d.each("parameters", (node) -> {
			String name = d.yaml().string(node, "a parameter name");
			if (name != null && (!PARAMETER.matcher(name).matches()
					|| ExchangeRequestParser.RESERVED_PARAMETERS.contains(name))) {
				d.yaml().problem(node, "parameter '" + name + "' is not a lowercase extension parameter name");
			}
			else if (name != null) {
				parameters.add(name);
			}
		}));
		CredentialDecoder credentials = new CredentialDecoder();
		documents.forEach((d) -> d.each("targets", (node) -> credentials.target(d.yaml(), node)));
		GrantCompiler compiler = new GrantCompiler(this.defaultTtl, this.maxTtl);
		List<Grant> grants = new ArrayList<>();
		documents.forEach((d) -> d.each("grants", (node) -> {
			Grant grant = compiler.compile(d.yaml(), node, trust, credentials);
			if (grant != null) {
				grants.add(grant);
			}
		}));
		ApiKeyDecoder register = new ApiKeyDecoder();
		documents.forEach((d) -> d.each("owners", (node) -> register.owner(d.yaml(), node)));
		documents.forEach((d) -> d.each("api_keys", (node) -> register.entry(d.yaml(), node)));
		credentials.checkRegister(register.register());
		if (!problems.isEmpty()) {
			problems.sort(Comparator.comparing((PolicyProblem p) -> p.file().toString())
				.thenComparingInt(PolicyProblem::line));
			throw new PolicyException(problems);
		}
		// The digest covers the trust material too: a token's policy_digest says which
		// keys were trusted when it was
		// issued, and a changed bundle is a new version of the policies.
		trust.files()
			.forEach((file, text) -> digest
				.update(("trust\0" + file + "\0" + text + "\0").getBytes(StandardCharsets.UTF_8)));
		return new PolicySet(TrustSet.of(trust.sources()), trust.rules(), parameters, grants, Sha256.hex(digest),
				trust.files().keySet(), trust.demoEntries(), register.register(), credentials.targets());
	}

	/**
	 * Whether a file of a policies directory is one the loader reads: {@code *.yaml} or
	 * {@code *.yml}, not hidden (an editor's swap file, say).
	 */
	public static boolean isPolicyFile(Path file) {
		String name = file.getFileName().toString();
		return !isHidden(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
	}

	/**
	 * Whether a file is hidden ({@code .name}): never read as policies, never watched.
	 */
	public static boolean isHidden(Path file) {
		return file.getFileName().toString().startsWith(".");
	}

	private static List<Path> policyFiles(Path directory, List<PolicyProblem> problems) {
		if (!Files.isDirectory(directory)) {
			problems.add(new PolicyProblem(directory, 0, "is not a directory"));
			return List.of();
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.filter(Files::isRegularFile).filter(PolicyLoader::isPolicyFile).sorted().toList();
		}
		catch (IOException ex) {
			problems.add(new PolicyProblem(directory, 0, "cannot be read: " + ex.getMessage()));
			return List.of();
		}
	}

	private static @Nullable String read(Path file, List<PolicyProblem> problems) {
		try {
			return readText(file);
		}
		catch (IOException ex) {
			problems.add(new PolicyProblem(file, 0, Failures.message(ex)));
			return null;
		}
	}

	/** A policy, bundle or JWKS file's text: UTF-8, at most {@link #MAX_FILE_BYTES}. */
	public static String readText(Path file) throws IOException {
		try {
			// A device or a pipe (/dev/zero, a FIFO) reports no size and never ends:
			// regular files only, and never
			// more read than the bound, whatever the size said.
			if (Files.exists(file) && !Files.isRegularFile(file)) {
				throw new IOException(file + " is not a regular file");
			}
			byte[] bytes;
			try (InputStream in = Files.newInputStream(file)) {
				bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
			}
			if (bytes.length > MAX_FILE_BYTES) {
				throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
			}
			return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
		}
		catch (CharacterCodingException ex) {
			throw new IOException(file + " is not UTF-8 text");
		}
		catch (NoSuchFileException ex) {
			throw new IOException(file + " does not exist");
		}
	}

	/** One decoded policy file's top level. */
	private record Document(StrictYaml yaml, Map<String, Node> top) {

		void each(String key, Consumer<Node> action) {
			Node node = this.top.get(key);
			if (node != null) {
				List<Node> items = this.yaml.sequence(node, key);
				if (items != null) {
					items.forEach(action);
				}
			}
		}

	}

}

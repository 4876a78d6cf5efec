package dev.writ.policy.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.CredentialTarget;
import dev.writ.policy.CredentialTemplate;
import dev.writ.policy.Durations;
import dev.writ.policy.Grant;
import dev.writ.request.ParameterSyntax;

/**
 * Decodes the {@code targets:} of policy files, and finds the target of a grant's
 * {@code credential:}, whose template {@link CredentialTemplates} decodes.
 */
final class CredentialDecoder {

	/** The longest any credential may live, whatever a target says. */
	static final Duration LONGEST = Duration.ofHours(24);

	private static final Duration DEFAULT_MAX_TTL = Duration.ofHours(1);

	private static final Set<String> TARGET_KEYS = Set.of("id", "description", "kind", "audience", "admin", "max_ttl",
			"username_prefix");

	private static final Set<String> ADMIN_KEYS = Set.of("url", "username", "password_file", "password_env",
			"register");

	private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

	private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,15}");

	private static final Pattern ENVIRONMENT = Pattern.compile("TARGET_[A-Z0-9_]{1,120}");

	// Printable ASCII without spaces.
	static final Pattern PATTERN = Pattern.compile("[!-~]{1,256}");

	private final Map<String, CredentialTarget> byAudience = new LinkedHashMap<>();

	private final Map<String, String> ids = new LinkedHashMap<>();

	private final List<Pending> registered = new ArrayList<>();

	/** The targets decoded, in order. */
	List<CredentialTarget> targets() {
		return List.copyOf(this.byAudience.values());
	}

	/** Decodes one target, or records its problems. */
	void target(StrictYaml yaml, Node node) {
		Map<String, Node> fields = yaml.mapping(node, "a target", TARGET_KEYS);
		if (fields == null) {
			return;
		}
		int before = yaml.problemCount();
		for (String required : List.of("id", "kind", "audience", "admin")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "a target needs " + required);
			}
		}
		String id = text(yaml, fields, "id");
		if (id != null && !ID.matcher(id).matches()) {
			yaml.problem(StrictYaml.at(fields, "id", node),
					"a target's id must be 1-64 lowercase letters, digits, '_' or '-'");
		}
		else if (id != null && this.ids.putIfAbsent(id, yaml.where(node)) != null) {
			yaml.problem(StrictYaml.at(fields, "id", node),
					"target id '" + id + "' is already used at " + this.ids.get(id));
		}
		if (fields.containsKey("description")) {
			yaml.string(fields.get("description"), "description");
		}
		CredentialTarget.Kind kind = null;
		String kindText = text(yaml, fields, "kind");
		if (kindText != null) {
			kind = switch (kindText) {
				case "postgresql" -> CredentialTarget.Kind.POSTGRESQL;
				case "redis" -> CredentialTarget.Kind.REDIS;
				default -> {
					yaml.problem(StrictYaml.at(fields, "kind", node), "kind must be postgresql or redis");
					yield null;
				}
			};
		}
		String audience = text(yaml, fields, "audience");
		if (audience != null && !ParameterSyntax.isAudience(audience)) {
			yaml.problem(StrictYaml.at(fields, "audience", node), "audience must be printable ASCII without spaces");
		}
		else if (audience != null && this.byAudience.containsKey(audience)) {
			yaml.problem(StrictYaml.at(fields, "audience", node),
					"audience " + audience + " is already the target " + this.byAudience.get(audience).id() + "'s");
		}
		Duration maxTtl = DEFAULT_MAX_TTL;
		String ttlText = text(yaml, fields, "max_ttl");
		if (ttlText != null) {
			maxTtl = Durations.parse(ttlText).orElse(null);
			if (maxTtl == null || maxTtl.compareTo(LONGEST) > 0) {
				yaml.problem(StrictYaml.at(fields, "max_ttl", node),
						"max_ttl must be a whole number of s, m or h, at most 24h");
			}
		}
		String prefix = "writ_";
		String prefixText = text(yaml, fields, "username_prefix");
		if (prefixText != null) {
			if (!PREFIX.matcher(prefixText).matches()) {
				yaml.problem(StrictYaml.at(fields, "username_prefix", node),
						"username_prefix must be 1-16 lowercase letters, digits or '_', starting with a letter");
			}
			prefix = prefixText;
		}
		Admin admin = (fields.get("admin") != null) ? admin(yaml, fields.get("admin"), kind, prefix) : null;
		if (yaml.problemCount() > before || id == null || kind == null || audience == null || admin == null
				|| maxTtl == null) {
			return;
		}
		this.registered.add(new Pending(yaml, admin.registerNode(), admin.register(), id));
		this.byAudience.put(audience, new CredentialTarget(id, kind, audience, admin.url(), admin.username(),
				admin.file(), admin.environment(), admin.register(), maxTtl, prefix, yaml.where(node)));
	}

	private @Nullable Admin admin(StrictYaml yaml, Node node, CredentialTarget.@Nullable Kind kind, String prefix) {
		Map<String, Node> fields = yaml.mapping(node, "a target's admin", ADMIN_KEYS);
		if (fields == null) {
			return null;
		}
		int before = yaml.problemCount();
		for (String required : List.of("url", "username", "register")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "a target's admin needs " + required);
			}
		}
		if (fields.containsKey("password_file") == fields.containsKey("password_env")) {
			yaml.problem(node, "a target's admin needs exactly one of password_file and password_env");
		}
		String url = text(yaml, fields, "url");
		String urlProblem = (url != null && kind != null) ? AdminUrls.problem(kind, url) : null;
		if (urlProblem != null) {
			yaml.problem(StrictYaml.at(fields, "url", node), urlProblem);
		}
		String username = text(yaml, fields, "username");
		if (username != null && !PATTERN.matcher(username).matches()) {
			yaml.problem(StrictYaml.at(fields, "username", node), "username must be printable ASCII without spaces");
		}
		else if (username != null && username.startsWith(prefix)) {
			// The reaper removes users of the prefix that no lease names.
			yaml.problem(StrictYaml.at(fields, "username", node),
					"the admin's username " + username + " begins with username_prefix " + prefix
							+ ", which is reserved for the credentials Writ creates");
		}
		String file = text(yaml, fields, "password_file");
		String environment = text(yaml, fields, "password_env");
		if (environment != null && !ENVIRONMENT.matcher(environment).matches()) {
			// Never another variable of Writ's environment (its Redis password, a cloud
			// credential): a policy file could send it to any target.
			yaml.problem(StrictYaml.at(fields, "password_env", node),
					"password_env must name an environment variable beginning with TARGET_, such as "
							+ "TARGET_ORDERS_DB_PASSWORD");
		}
		if (file != null && !relativeWithin(file)) {
			yaml.problem(StrictYaml.at(fields, "password_file", node), "password_file must be a relative path "
					+ "without '..', read from writ.credentials.secrets-dir: never another file of Writ's");
		}
		String register = text(yaml, fields, "register");
		if (yaml.problemCount() > before || url == null || username == null || register == null) {
			return null;
		}
		Path path = (file != null) ? Path.of(file) : null;
		return new Admin(url, username, path, environment, register, StrictYaml.at(fields, "register", node));
	}

	/**
	 * Checks that every target's admin credential is a permanent exception of the
	 * register: Writ's own standing secret, governed like any other.
	 */
	void checkRegister(ApiKeyRegister register) {
		for (Pending pending : this.registered) {
			ApiKeyEntry entry = register.entries()
				.stream()
				.filter((e) -> e.id().equals(pending.register()))
				.findFirst()
				.orElse(null);
			if (entry == null) {
				pending.yaml()
					.problem(pending.node(), "target " + pending.target() + "'s admin credential needs its entry in "
							+ "api_keys: no entry has the id " + pending.register());
			}
			else if (entry.kind() != ApiKeyEntry.Kind.PERMANENT) {
				pending.yaml()
					.problem(pending.node(), "target " + pending.target() + "'s admin credential is a standing secret: "
							+ "its api_keys entry " + pending.register() + " must be of kind permanent");
			}
		}
	}

	/**
	 * Decodes a grant's {@code credential:} for the target of its audience, or records
	 * its problems and returns null.
	 */
	Grant.@Nullable Credential credential(StrictYaml yaml, Node node, @Nullable String audience) {
		CredentialTarget target = (audience != null) ? this.byAudience.get(audience) : null;
		if (target == null) {
			yaml.problem(node, "a grant with credential names a target's audience: no target has "
					+ ((audience != null) ? "the audience " + audience : "its audience"));
			return null;
		}
		int before = yaml.problemCount();
		CredentialTemplate template = switch (target.kind()) {
			case POSTGRESQL -> CredentialTemplates.postgresql(yaml, node);
			case REDIS -> CredentialTemplates.redis(yaml, node);
		};
		return (template == null || yaml.problemCount() > before) ? null : new Grant.Credential(target, template);
	}

	private static boolean relativeWithin(String file) {
		try {
			Path path = Path.of(file);
			return !file.isEmpty() && !path.isAbsolute() && !file.startsWith("~") && path.normalize().equals(path)
					&& !path.startsWith("..");
		}
		catch (java.nio.file.InvalidPathException ex) {
			return false;
		}
	}

	private static @Nullable String text(StrictYaml yaml, Map<String, Node> fields, String key) {
		Node node = fields.get(key);
		return (node != null) ? yaml.string(node, key) : null;
	}

	private record Admin(String url, String username, @Nullable Path file, @Nullable String environment,
			String register, Node registerNode) {
	}

	private record Pending(StrictYaml yaml, Node node, String register, String target) {
	}

}

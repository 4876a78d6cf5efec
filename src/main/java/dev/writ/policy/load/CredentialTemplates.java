package dev.writ.policy.load;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.writ.policy.CredentialTemplate;

/**
 * Decodes what a grant's credential may do at its kind of target ({@code credential:}):
 * names Writ puts into a target's commands are plain identifiers, and a Redis user can
 * never be given what would let it administer the server (and so create users of its
 * own).
 */
final class CredentialTemplates {

	private static final Set<String> POSTGRESQL_KEYS = Set.of("roles", "connection_limit");

	private static final Set<String> REDIS_KEYS = Set.of("commands", "keys", "channels");

	// A PostgreSQL identifier that needs no quoting (quoted all the same).
	private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private static final Pattern COMMAND = Pattern.compile("[+-](@[a-z]+|[a-z][a-z0-9-]*(\\|[a-z][a-z0-9-]*)?)");

	// Granted, any of these administers the Redis: ACL SETUSER alone makes a user that
	// never expires.
	private static final Set<String> ADMINISTRATIVE = Set.of("+@all", "+@admin", "+@dangerous", "+@connection", "+acl",
			"+config", "+module", "+debug", "+shutdown", "+replicaof", "+slaveof", "+failover", "+cluster", "+client",
			"+sentinel", "+monitor", "+script", "+function", "+eval", "+evalsha", "+eval_ro", "+evalsha_ro", "+fcall",
			"+fcall_ro", "+save", "+bgsave", "+bgrewriteaof", "+flushall", "+flushdb", "+migrate", "+restore", "+psync",
			"+sync", "+swapdb", "+lastsave");

	private CredentialTemplates() {
	}

	static CredentialTemplate.@Nullable PostgresqlRole postgresql(StrictYaml yaml, Node node) {
		Map<String, Node> fields = yaml.mapping(node, "a postgresql credential", POSTGRESQL_KEYS);
		if (fields == null) {
			return null;
		}
		if (!fields.containsKey("roles")) {
			yaml.problem(node, "a postgresql credential needs roles: the roles whose privileges it has");
			return null;
		}
		List<String> roles = distinct(yaml, fields.get("roles"), "roles", ROLE,
				"a role must be a lowercase PostgreSQL identifier (letters, digits, '_')");
		if (roles != null && roles.stream().anyMatch((r) -> r.startsWith("pg_") || r.equals("postgres"))) {
			// pg_execute_server_program, pg_write_server_files, pg_read_all_data...
			yaml.problem(fields.get("roles"), "a credential is never granted postgres or a predefined pg_ role");
			return null;
		}
		int limit = 2;
		Node limitNode = fields.get("connection_limit");
		if (limitNode != null) {
			Integer value = (limitNode instanceof ScalarNode scalar && Tag.INT.equals(scalar.getTag()))
					? parse(scalar.getValue()) : null;
			if (value == null || value < 1 || value > 100) {
				yaml.problem(limitNode, "connection_limit must be a whole number from 1 to 100");
				return null;
			}
			limit = value;
		}
		return (roles == null) ? null : new CredentialTemplate.PostgresqlRole(roles, limit);
	}

	static CredentialTemplate.@Nullable RedisUser redis(StrictYaml yaml, Node node) {
		Map<String, Node> fields = yaml.mapping(node, "a redis credential", REDIS_KEYS);
		if (fields == null) {
			return null;
		}
		if (!fields.containsKey("commands")) {
			yaml.problem(node, "a redis credential needs commands, such as [+get, +set]");
			return null;
		}
		List<String> commands = distinct(yaml, fields.get("commands"), "commands", COMMAND,
				"a command rule is + or - and a command (+get, -flushdb) or a category (+@read)");
		if (commands != null) {
			for (String command : commands) {
				String bare = command.contains("|") ? command.substring(0, command.indexOf('|')) : command;
				if (ADMINISTRATIVE.contains(bare.toLowerCase(Locale.ROOT))) {
					yaml.problem(StrictYaml.at(fields, "commands", node), "command rule " + command
							+ " would let the credential administer Redis (and create users that never expire)");
					commands = null;
					break;
				}
			}
		}
		List<String> keys = fields.containsKey("keys") ? distinct(yaml, fields.get("keys"), "keys",
				CredentialDecoder.PATTERN, "a key pattern must be printable ASCII without spaces") : List.of();
		List<String> channels = fields.containsKey("channels") ? distinct(yaml, fields.get("channels"), "channels",
				CredentialDecoder.PATTERN, "a channel pattern must be printable ASCII without spaces") : List.of();
		return (commands == null || keys == null || channels == null) ? null
				: new CredentialTemplate.RedisUser(commands, keys, channels);
	}

	private static @Nullable List<String> distinct(StrictYaml yaml, Node node, String what, Pattern syntax,
			String requirement) {
		List<String> values = yaml.strings(node, what);
		if (values == null) {
			return null;
		}
		if (values.isEmpty()) {
			yaml.problem(node, what + " needs at least one item");
			return null;
		}
		Set<String> seen = new LinkedHashSet<>();
		for (String value : values) {
			if (!syntax.matcher(value).matches()) {
				yaml.problem(node, requirement + ": '" + value + "'");
				return null;
			}
			if (!seen.add(value)) {
				yaml.problem(node, what + " lists '" + value + "' twice");
				return null;
			}
		}
		return List.copyOf(seen);
	}

	private static @Nullable Integer parse(String text) {
		try {
			return Integer.valueOf(text);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}

package dev.writ.policy.load;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.trust.SpiffeIds;

/**
 * Decodes the register of API keys that remain: {@code owners:} (the teams an entry may
 * name) and {@code api_keys:}, strictly, every problem with its file and line. A value
 * that looks like a secret is refused: the register says where a key is kept, never the
 * key. An owner missing from {@code owners:} is not a problem here but the entry's state
 * ({@code owner-unknown}): a team that leaves must not stop Writ loading its policies.
 */
final class ApiKeyDecoder {

	private static final Set<String> KEYS = Set.of("id", "system", "holder", "owner", "justification", "kind",
			"expires", "review_every", "reviewed", "rotate_every", "rotated", "stored_in", "migration_trigger",
			"federates_to");

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

	private static final Pattern PERIOD = Pattern.compile("([1-9][0-9]{0,3})([dw])");

	private final Set<String> owners = new LinkedHashSet<>();

	private final List<ApiKeyEntry> entries = new ArrayList<>();

	private final Map<String, String> ids = new HashMap<>();

	/** One item of {@code owners:}. */
	void owner(StrictYaml yaml, Node node) {
		String owner = yaml.string(node, "an owner");
		if (owner == null) {
			return;
		}
		if (!OWNER.matcher(owner).matches() || SecretShapes.kind(owner, true) != null) {
			// Never echoed: a value pasted in the wrong place may be a key.
			yaml.problem(node, "an owner is not a team name (letters, digits, . _ @ -)");
		}
		else if (!this.owners.add(owner)) {
			yaml.problem(node, "owner '" + owner + "' is declared twice");
		}
	}

	/** One item of {@code api_keys:}. */
	void entry(StrictYaml yaml, Node node) {
		Map<String, Node> fields = yaml.mapping(node, "an api_keys entry", KEYS);
		if (fields == null) {
			return;
		}
		int before = yaml.problemCount();
		for (String required : List.of("id", "system", "holder", "owner", "justification", "kind", "stored_in",
				"migration_trigger")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "an api_keys entry needs '" + required + "'");
			}
		}
		boolean refused = false;
		for (Map.Entry<String, Node> field : fields.entrySet()) {
			if (field.getValue() instanceof ScalarNode scalar) {
				String kind = SecretShapes.kind(scalar.getValue(), !field.getKey().equals("holder"));
				if (kind != null) {
					// Never the value itself: it may be the key.
					yaml.problem(field.getValue(), "'" + field.getKey() + "' holds what looks like " + kind
							+ ": the register names where a key is kept, never the key");
					refused = true;
					continue;
				}
				boolean text = field.getKey().equals("justification") || field.getKey().equals("migration_trigger");
				if (scalar.getValue().chars().anyMatch((c) -> Character.isISOControl(c) && !(text && c == '\n'))) {
					yaml.problem(field.getValue(), "'" + field.getKey() + "' holds a control character");
					refused = true;
				}
			}
		}
		if (refused) {
			// The rest of the entry is not read: a later message might quote what was
			// refused.
			return;
		}
		String id = text(yaml, fields, "id");
		if (id != null && !ID.matcher(id).matches()) {
			yaml.problem(StrictYaml.at(fields, "id", node), "an api_keys id is 1-64 letters, digits, '.', '_' or '-'");
		}
		else if (id != null) {
			String first = this.ids.putIfAbsent(id, yaml.where(node));
			if (first != null) {
				yaml.problem(StrictYaml.at(fields, "id", node),
						"api_keys id '" + id + "' is declared twice (first at " + first + ")");
			}
		}
		String holder = text(yaml, fields, "holder");
		if (holder != null && holder.startsWith("spiffe://")) {
			try {
				SpiffeIds.parseId(holder);
			}
			catch (IllegalArgumentException ex) {
				yaml.problem(StrictYaml.at(fields, "holder", node), "holder is not a SPIFFE ID");
			}
		}
		String owner = text(yaml, fields, "owner");
		if (owner != null && !OWNER.matcher(owner).matches()) {
			yaml.problem(StrictYaml.at(fields, "owner", node), "owner is not a team name (letters, digits, . _ @ -)");
		}
		String kind = text(yaml, fields, "kind");
		ApiKeyEntry.Kind parsed = null;
		if ("transitional".equals(kind)) {
			parsed = ApiKeyEntry.Kind.TRANSITIONAL;
			require(yaml, fields, node, "expires", "a transitional key");
			forbid(yaml, fields, "a transitional key", "review_every", "reviewed");
		}
		else if ("permanent".equals(kind)) {
			parsed = ApiKeyEntry.Kind.PERMANENT;
			require(yaml, fields, node, "review_every", "a permanent key");
			require(yaml, fields, node, "reviewed", "a permanent key");
			forbid(yaml, fields, "a permanent key", "expires");
		}
		else if (kind != null) {
			yaml.problem(StrictYaml.at(fields, "kind", node), "kind is transitional or permanent");
		}
		LocalDate expires = date(yaml, fields, "expires");
		Period reviewEvery = period(yaml, fields, "review_every");
		LocalDate reviewed = date(yaml, fields, "reviewed");
		Period rotateEvery = period(yaml, fields, "rotate_every");
		LocalDate rotated = date(yaml, fields, "rotated");
		if (fields.containsKey("rotate_every") != fields.containsKey("rotated")) {
			yaml.problem(node, "rotate_every and rotated go together: when it must be rotated, and when it last was");
		}
		String system = text(yaml, fields, "system");
		String justification = text(yaml, fields, "justification");
		String storedIn = text(yaml, fields, "stored_in");
		String trigger = text(yaml, fields, "migration_trigger");
		String federatesTo = text(yaml, fields, "federates_to");
		if (yaml.problemCount() > before || id == null || system == null || holder == null || owner == null
				|| justification == null || parsed == null || storedIn == null || trigger == null) {
			return;
		}
		this.entries.add(new ApiKeyEntry(id, system, holder, owner, justification, parsed, expires, reviewEvery,
				reviewed, rotateEvery, rotated, storedIn, trigger, federatesTo, yaml.file(), StrictYaml.line(node)));
	}

	ApiKeyRegister register() {
		return new ApiKeyRegister(this.owners, this.entries);
	}

	private static @Nullable String text(StrictYaml yaml, Map<String, Node> fields, String key) {
		Node node = fields.get(key);
		if (node == null) {
			return null;
		}
		String value = yaml.string(node, key);
		if (value != null && value.isBlank()) {
			yaml.problem(node, key + " is empty");
			return null;
		}
		return value;
	}

	private static void require(StrictYaml yaml, Map<String, Node> fields, Node node, String key, String what) {
		if (!fields.containsKey(key)) {
			yaml.problem(node, what + " needs '" + key + "'");
		}
	}

	private static void forbid(StrictYaml yaml, Map<String, Node> fields, String what, String... keys) {
		for (String key : keys) {
			if (fields.containsKey(key)) {
				yaml.problem(fields.get(key), what + " has no '" + key + "'");
			}
		}
	}

	private static @Nullable LocalDate date(StrictYaml yaml, Map<String, Node> fields, String key) {
		Node node = fields.get(key);
		return (node == null) ? null : yaml.date(node, key);
	}

	/** A period in days or weeks: {@code 90d}, {@code 12w}. */
	private static @Nullable Period period(StrictYaml yaml, Map<String, Node> fields, String key) {
		Node node = fields.get(key);
		if (node == null) {
			return null;
		}
		String value = yaml.string(node, key);
		if (value == null) {
			return null;
		}
		Matcher matcher = PERIOD.matcher(value);
		if (!matcher.matches()) {
			yaml.problem(node, key + " must be days or weeks, such as 90d or 12w");
			return null;
		}
		int n = Integer.parseInt(matcher.group(1));
		return matcher.group(2).equals("w") ? Period.ofWeeks(n) : Period.ofDays(n);
	}

}

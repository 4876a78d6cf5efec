package dev.writ.policy.load;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.writ.policy.PolicyProblem;

/**
 * Strict reading of one YAML policy file: its node tree, never objects, so no tag can
 * construct anything; every unknown key, wrong type and duplicate is recorded as a
 * problem with its line, and reading carries on to find the rest.
 */
public final class StrictYaml {

	private final Path file;

	private final List<PolicyProblem> problems;

	public StrictYaml(Path file, List<PolicyProblem> problems) {
		this.file = file;
		this.problems = problems;
	}

	/**
	 * The root node of the file's one document, or null (with a problem recorded) if it
	 * does not parse.
	 */
	public @Nullable Node parse(String text) {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setMaxAliasesForCollections(0);
		options.setAllowRecursiveKeys(false);
		options.setNestingDepthLimit(20);
		try {
			return new Yaml(options).compose(new StringReader(text));
		}
		catch (MarkedYAMLException ex) {
			int line = (ex.getProblemMark() != null) ? ex.getProblemMark().getLine() + 1 : 0;
			problem(line, "not valid YAML: " + ex.getProblem());
		}
		catch (YAMLException ex) {
			problem(0, "not valid YAML: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			// snakeyaml throws plain runtime exceptions for a few malformed inputs (a
			// "\x" escape cut short, a tag
			// with a broken %-escape): the file is refused like any other that is not
			// YAML.
			problem(0, "not valid YAML: " + ex.getClass().getSimpleName());
		}
		return null;
	}

	/**
	 * The entries of a mapping, by key; an unknown or repeated key is a problem.
	 * @return the entries, or null if the node is not a mapping
	 */
	public @Nullable Map<String, Node> mapping(Node node, String what, Set<String> allowedKeys) {
		if (!(node instanceof MappingNode mapping)) {
			problem(node, what + " must be a mapping");
			return null;
		}
		Map<String, Node> entries = new LinkedHashMap<>();
		for (NodeTuple tuple : mapping.getValue()) {
			if (!(tuple.getKeyNode() instanceof ScalarNode key) || !Tag.STR.equals(key.getTag())) {
				problem(tuple.getKeyNode(), what + " has a key that is not a string");
				continue;
			}
			String name = key.getValue();
			if (!allowedKeys.contains(name)) {
				problem(key, what + " has an unknown key '" + name + "' (allowed: "
						+ String.join(", ", sorted(allowedKeys)) + ")");
			}
			else if (entries.putIfAbsent(name, tuple.getValueNode()) != null) {
				problem(key, what + " repeats the key '" + name + "'");
			}
		}
		return entries;
	}

	/** The items of a sequence, or null if the node is not one. */
	public @Nullable List<Node> sequence(Node node, String what) {
		if (!(node instanceof SequenceNode sequence)) {
			problem(node, what + " must be a list");
			return null;
		}
		return sequence.getValue();
	}

	/**
	 * A string scalar, or null if the node is not one. Quote a value YAML would read as a
	 * number or boolean.
	 */
	public @Nullable String string(Node node, String what) {
		if (!(node instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
			problem(node, what + " must be a string");
			return null;
		}
		return scalar.getValue();
	}

	/**
	 * A day, {@code 2026-12-31}, quoted or not (YAML reads it as a timestamp), between
	 * the years 2000 and 2200; or null with its problem recorded.
	 */
	public @Nullable LocalDate date(Node node, String what) {
		LocalDate date = null;
		if (node instanceof ScalarNode scalar) {
			try {
				date = LocalDate.parse(scalar.getValue());
			}
			catch (DateTimeParseException ex) {
				// the problem below
			}
		}
		if (date == null) {
			problem(node, what + " must be a date, such as 2026-12-31");
			return null;
		}
		if (date.getYear() < 2000 || date.getYear() > 2200) {
			problem(node, what + " must be a date between 2000 and 2200");
			return null;
		}
		return date;
	}

	/** A boolean scalar, or null if the node is not one. */
	public @Nullable Boolean bool(Node node, String what) {
		if (!(node instanceof ScalarNode scalar) || !Tag.BOOL.equals(scalar.getTag())) {
			problem(node, what + " must be true or false");
			return null;
		}
		return Boolean.valueOf(scalar.getValue());
	}

	/** A list of strings, or null if the node is not one. */
	public @Nullable List<String> strings(Node node, String what) {
		List<Node> items = sequence(node, what);
		if (items == null) {
			return null;
		}
		List<String> values = new ArrayList<>();
		for (Node item : items) {
			String value = string(item, "each item of " + what);
			if (value == null) {
				return null;
			}
			values.add(value);
		}
		return values;
	}

	/** The file being read. */
	public Path file() {
		return this.file;
	}

	/** How many problems have been recorded so far, in all files. */
	public int problemCount() {
		return this.problems.size();
	}

	/**
	 * The node of a field of a mapping, or the mapping's own where the field is absent:
	 * where a problem of that field is reported.
	 */
	public static Node at(Map<String, Node> fields, String key, Node mapping) {
		Node node = fields.get(key);
		return (node != null) ? node : mapping;
	}

	/** Where a node is, as {@code file:line}. */
	public String where(Node node) {
		return this.file + ":" + line(node);
	}

	public void problem(Node node, String message) {
		problem(line(node), message);
	}

	public void problem(int line, String message) {
		this.problems.add(new PolicyProblem(this.file, line, message));
	}

	public static int line(Node node) {
		return (node.getStartMark() != null) ? node.getStartMark().getLine() + 1 : 0;
	}

	private static List<String> sorted(Set<String> keys) {
		return keys.stream().sorted().toList();
	}

}

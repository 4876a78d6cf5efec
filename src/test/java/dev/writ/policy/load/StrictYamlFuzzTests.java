package dev.writ.policy.load;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.writ.policy.PolicyProblem;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link StrictYaml}, the decoder every policy file goes through. The oracle:
 * reading never throws, every refusal is a problem recorded at a line of the file, a file
 * that does not parse records at most one (an empty file records none), and a file that
 * parses, serialised again, composes to the same node tree.
 */
final class StrictYamlFuzzTests {

	private static final Path FILE = Path.of("policies/fuzz.yaml");

	@DictionaryFile(resourcePath = "policy.dict")
	@FuzzTest
	void parse(byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		List<PolicyProblem> problems = new ArrayList<>();
		StrictYaml yaml = new StrictYaml(FILE, problems);
		Node root = yaml.parse(text);
		if (root == null) {
			assertThat(problems).hasSizeLessThanOrEqualTo(1);
			assertAtLines(problems, text);
			return;
		}
		assertThat(problems).isEmpty();
		walk(yaml, root);
		assertAtLines(problems, text);
		Node again = new StrictYaml(FILE, new ArrayList<>()).parse(serialised(root));
		if (again == null) {
			// SnakeYAML writes an empty document ("---" alone) as nothing at all; nothing
			// else may vanish.
			assertThat(shape(root)).isEqualTo(List.of(Tag.NULL.getValue(), ""));
			return;
		}
		assertThat(shape(again)).isEqualTo(shape(root));
	}

	// Every accessor on every node, as the policy decoders use them: each answers or
	// records a problem.
	private static void walk(StrictYaml yaml, Node node) {
		yaml.string(node, "a value");
		yaml.bool(node, "a value");
		yaml.strings(node, "a value");
		Map<String, Node> entries = yaml.mapping(node, "a value", Set.of("id", "subject", "grants"));
		if (entries != null) {
			((MappingNode) node).getValue().forEach((tuple) -> {
				walk(yaml, tuple.getKeyNode());
				walk(yaml, tuple.getValueNode());
			});
		}
		List<Node> items = yaml.sequence(node, "a value");
		if (items != null) {
			items.forEach((item) -> walk(yaml, item));
		}
	}

	private static void assertAtLines(List<PolicyProblem> problems, String text) {
		// SnakeYAML counts YAML 1.1 line breaks: CR, LF, NEL, LS and PS.
		long lines = text.chars()
			.filter((c) -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
			.count() + 1;
		assertThat(problems).allSatisfy((problem) -> {
			assertThat(problem.file()).isEqualTo(FILE);
			assertThat((long) problem.line()).isBetween(0L, lines);
			assertThat(problem.message()).isNotBlank();
		});
	}

	// Every scalar double-quoted: SnakeYAML's emitter refolds a long folded scalar ('>')
	// into another value, and the
	// round trip is about the tree Writ reads, not about the emitter's styles.
	private static String serialised(Node root) {
		StringWriter out = new StringWriter();
		new Yaml(new LoaderOptions()).serialize(quoted(root), out);
		return out.toString();
	}

	private static Node quoted(Node node) {
		return switch (node) {
			case ScalarNode scalar ->
				new ScalarNode(scalar.getTag(), scalar.getValue(), null, null, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
			case SequenceNode sequence -> new SequenceNode(sequence.getTag(),
					sequence.getValue().stream().map(StrictYamlFuzzTests::quoted).toList(),
					DumperOptions.FlowStyle.BLOCK);
			case MappingNode mapping -> new MappingNode(mapping.getTag(),
					mapping.getValue()
						.stream()
						.map((tuple) -> new NodeTuple(quoted(tuple.getKeyNode()), quoted(tuple.getValueNode())))
						.toList(),
					DumperOptions.FlowStyle.BLOCK);
			default -> throw new AssertionError("a node of another kind: " + node.getNodeId());
		};
	}

	// What the decoders read of a node: its kind, tag and value, recursively.
	private static Object shape(Node node) {
		return switch (node) {
			case ScalarNode scalar -> List.of(scalar.getTag().getValue(), scalar.getValue());
			case SequenceNode sequence -> List.of(sequence.getTag().getValue(),
					sequence.getValue().stream().map(StrictYamlFuzzTests::shape).toList());
			case MappingNode mapping -> List.of(mapping.getTag().getValue(),
					mapping.getValue()
						.stream()
						.map((NodeTuple tuple) -> List.of(shape(tuple.getKeyNode()), shape(tuple.getValueNode())))
						.toList());
			default -> throw new AssertionError("a node of another kind: " + node.getNodeId());
		};
	}

}

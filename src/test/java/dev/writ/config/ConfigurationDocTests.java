package dev.writ.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code docs/configuration.md} cannot drift from {@link WritProperties}: its reference
 * section is what this test renders from the metadata Spring Boot's configuration
 * processor writes from the records and their javadoc. A property without javadoc, or
 * added without updating the doc, fails here. To update the doc after changing a
 * property: {@code ./mvnw test -Dtest=ConfigurationDocTests -Ddocs.write=true}.
 */
class ConfigurationDocTests {

	static final Path DOC = Path.of("docs/configuration.md");

	static final String BEGIN = "<!-- BEGIN GENERATED from WritProperties by ConfigurationDocTests: edit the javadoc, not this -->";

	static final String END = "<!-- END GENERATED -->";

	@Test
	void everyPropertyHasADescription() throws Exception {
		List<String> undocumented = properties().stream()
			.filter((p) -> p.get("description") == null || ((String) p.get("description")).isBlank())
			.map((p) -> (String) p.get("name"))
			.toList();

		assertThat(undocumented).as("writ.* properties without javadoc (@param on the record)").isEmpty();
	}

	@Test
	void metadataNamesTheSettingsTheStartUpCheckKnows() throws Exception {
		Set<String> names = properties().stream()
			.map((p) -> (String) p.get("name"))
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> known = new TreeSet<>(UnknownSettings.known());

		assertThat(names).isEqualTo(known);
	}

	@Test
	void docHoldsTheReferenceRenderedFromTheProperties() throws Exception {
		String doc = Files.readString(DOC);
		int begin = doc.indexOf(BEGIN);
		int end = doc.indexOf(END);
		assertThat(begin).as("docs/configuration.md has the generated section markers").isNotNegative();
		assertThat(end).isGreaterThan(begin);
		String expected = render(properties());
		String actual = doc.substring(begin + BEGIN.length(), end);
		if (actual.equals(expected)) {
			return;
		}
		if (Boolean.getBoolean("docs.write")) {
			Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + expected + doc.substring(end));
			return;
		}
		Path rendered = Path.of("target/configuration-reference.md");
		Files.writeString(rendered, expected);
		fail("docs/configuration.md's reference differs from WritProperties (rendered: " + rendered
				+ "); run ./mvnw test -Dtest=ConfigurationDocTests -Ddocs.write=true and review the diff");
	}

	@Test
	void renderWhenAPropertyIsAddedThenTheReferenceChanges() throws Exception {
		List<Map<String, Object>> properties = new ArrayList<>(properties());
		String before = render(properties);
		properties.add(Map.of("name", "writ.token.new-setting", "type", "java.lang.String", "description", "new"));

		assertThat(render(properties)).isNotEqualTo(before).contains("`writ.token.new-setting`");
	}

	/** The writ.* properties of the processor's metadata, sorted by name. */
	static List<Map<String, Object>> properties() throws IOException, java.text.ParseException {
		List<URL> resources = Collections.list(ConfigurationDocTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		for (URL resource : resources) {
			String json;
			try (InputStream in = resource.openStream()) {
				json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			Map<String, Object> metadata = JSONObjectUtils.parse(json);
			List<Object> groups = JSONObjectUtils.getJSONArray(metadata, "groups");
			boolean ours = groups != null && groups.stream()
				.anyMatch((g) -> WritProperties.class.getName().equals(((Map<?, ?>) g).get("type")));
			if (ours) {
				List<Map<String, Object>> properties = new ArrayList<>();
				for (Object property : JSONObjectUtils.getJSONArray(metadata, "properties")) {
					@SuppressWarnings("unchecked")
					Map<String, Object> map = (Map<String, Object>) property;
					properties.add(map);
				}
				properties.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
				return properties;
			}
		}
		throw new AssertionError("no configuration metadata for WritProperties on the class path: is "
				+ "spring-boot-configuration-processor configured in pom.xml?");
	}

	/**
	 * The reference section: a table per group, each property with its environment
	 * variable and default.
	 */
	static String render(List<Map<String, Object>> properties) {
		Map<String, List<Map<String, Object>>> groups = new java.util.TreeMap<>();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			String group = name.substring(0, name.lastIndexOf('.'));
			groups.computeIfAbsent(group, (k) -> new ArrayList<>()).add(property);
		}
		StringBuilder out = new StringBuilder("\n");
		groups.forEach((group, members) -> {
			out.append("\n### `").append(group).append("`\n\n");
			out.append("| property | environment variable | type | default | description |\n");
			out.append("|---|---|---|---|---|\n");
			for (Map<String, Object> property : members) {
				String name = (String) property.get("name");
				out.append("| `")
					.append(name)
					.append("` | `")
					.append(EnvironmentNames.canonical(name))
					.append("` | ")
					.append(type((String) property.get("type")))
					.append(" | ")
					.append(defaultValue(property.get("type"), property.get("defaultValue")))
					.append(" | ")
					.append(markdown((String) property.get("description")))
					.append(" |\n");
			}
		});
		return out.append("\n").toString();
	}

	private static String type(String type) {
		return switch (type) {
			case "java.lang.String" -> "string";
			case "java.lang.Boolean" -> "boolean";
			case "java.lang.Integer" -> "integer";
			case "java.time.Duration" -> "duration";
			case "java.nio.file.Path" -> "path";
			case "java.util.List<java.lang.String>" -> "list of strings";
			default -> type;
		};
	}

	// A list bound with @DefaultValue and nothing in it has no default in the metadata:
	// it is empty, not unset.
	private static String defaultValue(Object type, Object value) {
		if (value == null) {
			return String.valueOf(type).startsWith("java.util.List") ? "empty" : "unset";
		}
		if (value instanceof List<?> list) {
			return list.isEmpty() ? "empty" : list.stream().map((v) -> "`" + v + "`").collect(Collectors.joining(", "));
		}
		return "`" + value + "`";
	}

	private static String markdown(String javadoc) {
		String text = (javadoc != null) ? javadoc : "";
		return text.replaceAll("\\{@code ([^}]*)}", "`$1`").replace("|", "\\|").replace("\n", " ");
	}

}

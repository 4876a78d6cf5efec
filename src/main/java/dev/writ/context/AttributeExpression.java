package dev.writ.context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.writ.trust.VerifiedSubject;

/**
 * A path into a verified subject that yields one attribute:
 * {@code claims.repository_owner}, {@code claims["kubernetes.io"].namespace},
 * {@code spiffe.path[1]}, {@code spiffe.trust_domain}. The syntax is a strict subset of
 * CEL's, so that mapping files stay valid when full CEL expressions arrive.
 */
public final class AttributeExpression {

	private static final Pattern SEGMENT = Pattern
		.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\[\"([^\"\\\\]{1,256})\"\\]|\\[(\\d{1,3})\\]");

	private final String text;

	private final String root;

	private final List<Object> path;

	private AttributeExpression(String text, String root, List<Object> path) {
		this.text = text;
		this.root = root;
		this.path = List.copyOf(path);
	}

	/**
	 * Compiles an expression.
	 * @throws IllegalArgumentException saying what is wrong with it
	 */
	public static AttributeExpression compile(String text) {
		Objects.requireNonNull(text, "text cannot be null");
		String root;
		if (text.startsWith("claims")) {
			root = "claims";
		}
		else if (text.startsWith("spiffe")) {
			root = "spiffe";
		}
		else {
			throw new IllegalArgumentException("must begin with claims or spiffe");
		}
		List<Object> path = new ArrayList<>();
		Matcher matcher = SEGMENT.matcher(text);
		int at = root.length();
		while (at < text.length()) {
			if (!matcher.find(at) || matcher.start() != at) {
				throw new IllegalArgumentException(
						"cannot read '" + text.substring(at) + "': use .name, [\"name\"] or [index]");
			}
			if (matcher.group(1) != null) {
				path.add(matcher.group(1));
			}
			else if (matcher.group(2) != null) {
				path.add(matcher.group(2));
			}
			else {
				path.add(Integer.valueOf(matcher.group(3)));
			}
			at = matcher.end();
		}
		if (path.isEmpty()) {
			throw new IllegalArgumentException("must name a value inside " + root);
		}
		if ("spiffe".equals(root) && !List.of("id", "trust_domain", "path").contains(path.get(0))) {
			throw new IllegalArgumentException("spiffe has id, trust_domain and path");
		}
		return new AttributeExpression(text, root, path);
	}

	/**
	 * The value for a subject, as a string; empty when the path leads nowhere or to an
	 * object or list.
	 */
	public Optional<String> evaluate(VerifiedSubject subject) {
		Object value = "claims".equals(this.root) ? subject.claims() : spiffe(subject.subject());
		if (value == null) {
			return Optional.empty();
		}
		for (Object step : this.path) {
			if (step instanceof String name && value instanceof Map<?, ?> map) {
				value = map.get(name);
			}
			else if (step instanceof Integer index && value instanceof List<?> list && index < list.size()) {
				value = list.get(index);
			}
			else {
				return Optional.empty();
			}
			if (value == null) {
				return Optional.empty();
			}
		}
		return (value instanceof String || value instanceof Number || value instanceof Boolean)
				? Optional.of(value.toString()) : Optional.empty();
	}

	private static @Nullable Map<String, Object> spiffe(String subject) {
		if (!subject.startsWith("spiffe://")) {
			return null;
		}
		String rest = subject.substring("spiffe://".length());
		int slash = rest.indexOf('/');
		String trustDomain = (slash < 0) ? rest : rest.substring(0, slash);
		List<String> path = (slash < 0) ? List.of() : Arrays.asList(rest.substring(slash + 1).split("/"));
		return Map.of("id", subject, "trust_domain", trustDomain, "path", path);
	}

	@Override
	public String toString() {
		return this.text;
	}

}

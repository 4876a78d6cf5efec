package dev.writ.context;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.writ.trust.VerifiedSubject;

/**
 * How one trust source's verified claims become context attributes (service, environment,
 * tenant, ...).
 */
public final class AttributeMapping {

	private static final AttributeMapping NONE = new AttributeMapping(Map.of());

	private final Map<String, AttributeExpression> expressions;

	private AttributeMapping(Map<String, AttributeExpression> expressions) {
		this.expressions = Collections.unmodifiableMap(new LinkedHashMap<>(expressions));
	}

	public static AttributeMapping of(Map<String, AttributeExpression> expressions) {
		return new AttributeMapping(expressions);
	}

	public static AttributeMapping none() {
		return NONE;
	}

	/** The attribute names and their expressions. */
	public Map<String, AttributeExpression> expressions() {
		return this.expressions;
	}

	/** The attributes of a subject; an attribute whose path leads nowhere is absent. */
	public Map<String, String> evaluate(VerifiedSubject subject) {
		Map<String, String> attributes = new LinkedHashMap<>();
		this.expressions
			.forEach((name, expression) -> expression.evaluate(subject).ifPresent((v) -> attributes.put(name, v)));
		return Collections.unmodifiableMap(attributes);
	}

}

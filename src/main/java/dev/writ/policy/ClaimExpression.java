package dev.writ.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cel.runtime.CelEvaluationException;

/**
 * A grant's {@code token_claims} entry: a CEL expression, reading what
 * {@link CelExpression} lists, whose value becomes a claim of the tokens the grant
 * issues.
 */
public final class ClaimExpression {

	private final CelExpression expression;

	private ClaimExpression(CelExpression expression) {
		this.expression = expression;
	}

	/**
	 * Compiles and type-checks a claim's expression.
	 * @throws IllegalArgumentException with every CEL issue
	 */
	public static ClaimExpression compile(String text) {
		return new ClaimExpression(CelExpression.compile(text));
	}

	/**
	 * Evaluates the expression.
	 * @return a string, number (finite), boolean or list of strings, integers and
	 * booleans; empty when evaluation fails or yields anything else
	 */
	Optional<Object> value(Map<String, Object> activation) {
		try {
			Object result = this.expression.eval(activation);
			// RFC 8259 §6: NaN and the infinities are no JSON numbers; a token cannot
			// carry them.
			if (result instanceof Double d && !Double.isFinite(d)) {
				return Optional.empty();
			}
			if (result instanceof String || result instanceof Long || result instanceof Double
					|| result instanceof Boolean) {
				return Optional.of(result);
			}
			if (result instanceof List<?> list && list.stream()
				.allMatch((v) -> v instanceof String || v instanceof Long || v instanceof Boolean)) {
				return Optional.of(List.copyOf(list));
			}
			return Optional.empty();
		}
		catch (CelEvaluationException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	@Override
	public String toString() {
		return this.expression.text();
	}

	/** The variables it reads ({@code claims}, {@code actor}, ...). */
	public java.util.Set<String> variables() {
		return this.expression.variables();
	}

}

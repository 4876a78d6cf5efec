package dev.writ.policy;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * A grant's {@code when:} condition: a CEL expression, type-checked and compiled once
 * when the policies load, evaluated per exchange. It reads:
 * <ul>
 * <li>{@code subject} (string) and {@code source} (the trust source's id);</li>
 * <li>{@code claims}: the verified claims (times as seconds since the epoch);</li>
 * <li>{@code attributes}: the source's mapped attributes (service, environment, tenant,
 * ...);</li>
 * <li>{@code request}: {@code audience}, {@code resource} (strings, empty when absent),
 * {@code scopes} (list), {@code params} (declared extension parameters, such as a
 * requested tenant);</li>
 * <li>{@code now}: the time of the exchange, seconds since the epoch.</li>
 * </ul>
 * A condition that fails to evaluate (a missing claim, a type mismatch at run time) is
 * false: deny.
 */
public final class Condition {

	private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
		.setStandardMacros(CelStandardMacro.STANDARD_MACROS)
		.addVar("subject", SimpleType.STRING)
		.addVar("source", SimpleType.STRING)
		.addVar("claims", MapType.create(SimpleType.STRING, SimpleType.DYN))
		.addVar("attributes", MapType.create(SimpleType.STRING, SimpleType.STRING))
		.addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
		.addVar("now", SimpleType.INT)
		.build();

	private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder().build();

	private final String text;

	private final CelAbstractSyntaxTree ast;

	private final CelRuntime.Program program;

	private Condition(String text, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
		this.text = text;
		this.ast = ast;
		this.program = program;
	}

	/**
	 * Compiles and type-checks a condition.
	 * @throws IllegalArgumentException with every CEL issue, one per line, when it does
	 * not compile or is not boolean
	 */
	public static Condition compile(String text) {
		return compile(text, true);
	}

	/**
	 * Compiles an expression that yields a value (a {@code token_claims} entry) rather
	 * than true or false.
	 * @throws IllegalArgumentException with every CEL issue
	 */
	public static Condition compileValue(String text) {
		return compile(text, false);
	}

	private static Condition compile(String text, boolean condition) {
		Objects.requireNonNull(text, "text cannot be null");
		CelValidationResult result = COMPILER.compile(text);
		if (result.hasError()) {
			List<String> messages = new ArrayList<>();
			for (CelIssue issue : result.getErrors()) {
				messages.add("column " + (issue.getSourceLocation().getColumn() + 1) + ": " + issue.getMessage());
			}
			throw new IllegalArgumentException(String.join("; ", messages));
		}
		try {
			CelAbstractSyntaxTree ast = result.getAst();
			if (condition && !SimpleType.BOOL.equals(ast.getResultType())
					&& !SimpleType.DYN.equals(ast.getResultType())) {
				throw new IllegalArgumentException("must be true or false, not " + ast.getResultType().name());
			}
			return new Condition(text, ast, RUNTIME.createProgram(ast));
		}
		catch (CelValidationException | CelEvaluationException ex) {
			throw new IllegalArgumentException(ex.getMessage());
		}
	}

	/** The expression as written. */
	String text() {
		return this.text;
	}

	/** The checked syntax tree, for guardrail analysis. */
	public CelAbstractSyntaxTree ast() {
		return this.ast;
	}

	/**
	 * Evaluates the condition.
	 * @return the outcome; an evaluation error is {@link Outcome#ERROR}, which denies
	 */
	Outcome test(Map<String, Object> activation) {
		try {
			Object result = this.program.eval(activation);
			return Boolean.TRUE.equals(result) ? Outcome.TRUE : Outcome.FALSE;
		}
		catch (CelEvaluationException | RuntimeException ex) {
			return Outcome.ERROR;
		}
	}

	/**
	 * Evaluates a value expression.
	 * @return a string, number (finite), boolean or list of strings, integers and
	 * booleans; empty when evaluation fails or yields anything else
	 */
	Optional<Object> value(Map<String, Object> activation) {
		try {
			Object result = this.program.eval(activation);
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

	/** How a condition came out. */
	enum Outcome {

		TRUE, FALSE, ERROR

	}

	/**
	 * Claims as CEL values: dates as epoch seconds, integers as longs, nested maps and
	 * lists converted.
	 */
	static Object celValue(Object value) {
		if (value instanceof Date date) {
			return date.toInstant().getEpochSecond();
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof Float f) {
			return f.doubleValue();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> converted = new LinkedHashMap<>();
			map.forEach((k, v) -> {
				if (k instanceof String key && v != null) {
					converted.put(key, celValue(v));
				}
			});
			return converted;
		}
		if (value instanceof List<?> list) {
			List<Object> converted = new ArrayList<>(list.size());
			list.forEach((v) -> {
				if (v != null) {
					converted.add(celValue(v));
				}
			});
			return converted;
		}
		return value;
	}

	@Override
	public String toString() {
		return this.text;
	}

}

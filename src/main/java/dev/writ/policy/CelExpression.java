package dev.writ.policy;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * A CEL expression of a grant, type-checked and compiled once when the policies load,
 * evaluated per exchange: what a {@link Condition} and a {@link ClaimExpression} share.
 * It reads:
 * <ul>
 * <li>{@code subject} (string) and {@code source} (the trust source's id);</li>
 * <li>{@code claims}: the verified claims (times as seconds since the epoch);</li>
 * <li>{@code attributes}: the source's mapped attributes (service, environment, tenant,
 * ...);</li>
 * <li>{@code request}: {@code audience}, {@code resource} (strings, empty when absent),
 * {@code scopes} (list), {@code params} (declared extension parameters, such as a
 * requested tenant);</li>
 * <li>{@code now}: the time of the exchange, seconds since the epoch;</li>
 * <li>{@code actor}: the verified actor of a delegated request — {@code subject},
 * {@code source}, {@code claims}, {@code attributes}; empty strings and maps without
 * one;</li>
 * <li>{@code act}: {@code depth}, how many parties act in the chain (0 without an
 * actor);</li>
 * <li>{@code token}: for a Writ token exchanged again, {@code aud}, {@code grant} and
 * {@code scopes} it was issued with; empty otherwise.</li>
 * </ul>
 */
final class CelExpression {

	private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
		.setStandardMacros(CelStandardMacro.STANDARD_MACROS)
		.addVar("subject", SimpleType.STRING)
		.addVar("source", SimpleType.STRING)
		.addVar("claims", MapType.create(SimpleType.STRING, SimpleType.DYN))
		.addVar("attributes", MapType.create(SimpleType.STRING, SimpleType.STRING))
		.addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
		.addVar("now", SimpleType.INT)
		.addVar("actor", MapType.create(SimpleType.STRING, SimpleType.DYN))
		.addVar("act", MapType.create(SimpleType.STRING, SimpleType.INT))
		.addVar("token", MapType.create(SimpleType.STRING, SimpleType.DYN))
		.build();

	private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder().build();

	private final String text;

	private final CelAbstractSyntaxTree ast;

	private final CelRuntime.Program program;

	private CelExpression(String text, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
		this.text = text;
		this.ast = ast;
		this.program = program;
	}

	/**
	 * Compiles and type-checks an expression.
	 * @throws IllegalArgumentException with every CEL issue, when it does not compile
	 */
	static CelExpression compile(String text) {
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
			return new CelExpression(text, ast, RUNTIME.createProgram(ast));
		}
		catch (CelValidationException | CelEvaluationException ex) {
			throw new IllegalArgumentException(ex.getMessage());
		}
	}

	/** The variables the expression reads ({@code claims}, {@code actor}, ...). */
	java.util.Set<String> variables() {
		java.util.Set<String> names = new java.util.TreeSet<>();
		this.ast.getReferenceMap().values().forEach((reference) -> {
			if (reference.overloadIds().isEmpty() && !reference.name().isEmpty()) {
				names.add(reference.name());
			}
		});
		return names;
	}

	String text() {
		return this.text;
	}

	CelAbstractSyntaxTree ast() {
		return this.ast;
	}

	/**
	 * Evaluates the expression.
	 * @throws CelEvaluationException when it fails to evaluate (a missing claim, a type
	 * mismatch at run time)
	 */
	Object eval(Map<String, Object> activation) throws CelEvaluationException {
		return this.program.eval(activation);
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

}

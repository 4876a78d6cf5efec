package dev.writ.policy;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;

/**
 * A grant's {@code when:} condition: a CEL expression that is true or false, reading what
 * {@link CelExpression} lists. A condition that fails to evaluate (a missing claim, a
 * type mismatch at run time) is {@link Outcome#ERROR}: deny.
 */
public final class Condition {

	private static volatile @Nullable Thread preparing;

	private final CelExpression expression;

	private Condition(CelExpression expression) {
		this.expression = expression;
	}

	/**
	 * Compiles and type-checks a condition.
	 * @throws IllegalArgumentException with every CEL issue, one per line, when it does
	 * not compile or is not boolean
	 */
	public static Condition compile(String text) {
		awaitPreparation();
		CelExpression expression = CelExpression.compile(text);
		if (!SimpleType.BOOL.equals(expression.ast().getResultType())
				&& !SimpleType.DYN.equals(expression.ast().getResultType())) {
			throw new IllegalArgumentException("must be true or false, not " + expression.ast().getResultType().name());
		}
		return new Condition(expression);
	}

	/**
	 * Compiles and evaluates a condition on a background thread, so that CEL's compiler
	 * and runtime (about 1,300 classes with protobuf's and ANTLR's) load while the server
	 * starts rather than when the first policy file is read. {@link #awaitPreparation}
	 * waits for it to end.
	 */
	public static void prepareInBackground() {
		Thread thread = new Thread(() -> compile("subject.startsWith('spiffe://') && 'read' in request.scopes")
			.test(Map.of("subject", "", "request", Map.of("scopes", List.of()))), "writ-cel-warm-up");
		thread.setDaemon(true);
		preparing = thread;
		thread.start();
	}

	/**
	 * Waits for {@link #prepareInBackground}'s compile to end, if one runs: a first
	 * compile, and anything else that initialises protobuf's classes (the SPIFFE Workload
	 * API's client), then never runs beside it, so no two threads initialise those
	 * classes at once.
	 */
	public static void awaitPreparation() {
		Thread thread = preparing;
		if (thread == null || thread == Thread.currentThread()) {
			return;
		}
		try {
			thread.join();
			preparing = null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** The checked syntax tree, for guardrail analysis. */
	public CelAbstractSyntaxTree ast() {
		return this.expression.ast();
	}

	/**
	 * Evaluates the condition.
	 * @return the outcome; an evaluation error is {@link Outcome#ERROR}, which denies
	 */
	Outcome test(Map<String, Object> activation) {
		try {
			return Boolean.TRUE.equals(this.expression.eval(activation)) ? Outcome.TRUE : Outcome.FALSE;
		}
		catch (CelEvaluationException | RuntimeException ex) {
			return Outcome.ERROR;
		}
	}

	/** How a condition came out. */
	enum Outcome {

		TRUE, FALSE, ERROR

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

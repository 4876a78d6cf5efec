package dev.writ.policy.load;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;

import dev.writ.policy.Condition;

/**
 * Finds which claims a condition pins to literal values in every case: a top-level
 * conjunct (joined by {@code &&}) of the form {@code claims.X == 'v'},
 * {@code claims['X'] == 'v'} (either side) or {@code claims.X in ['v', 'w']}. Anything
 * under {@code ||}, {@code !} or a function does not pin, because the condition could
 * hold without it.
 */
final class TenantPins {

	private TenantPins() {
	}

	/** The claim names of the subject's token the condition pins. */
	static Set<String> of(Condition condition) {
		Set<String> pinned = new HashSet<>();
		collect(condition.ast().getExpr(), pinned, false);
		return pinned;
	}

	/**
	 * The claim names of the actor's token the condition pins: {@code actor.claims.X}.
	 */
	static Set<String> ofActor(Condition condition) {
		Set<String> pinned = new HashSet<>();
		collect(condition.ast().getExpr(), pinned, true);
		return pinned;
	}

	private static void collect(CelExpr expr, Set<String> pinned, boolean actor) {
		if (expr.getKind() != CelExpr.ExprKind.Kind.CALL) {
			return;
		}
		CelExpr.CelCall call = expr.call();
		switch (call.function()) {
			case "_&&_" -> call.args().forEach((arg) -> collect(arg, pinned, actor));
			case "_==_" -> {
				claimName(call.args().get(0), actor).filter((n) -> isLiteral(call.args().get(1)))
					.ifPresent(pinned::add);
				claimName(call.args().get(1), actor).filter((n) -> isLiteral(call.args().get(0)))
					.ifPresent(pinned::add);
			}
			case "@in" -> {
				CelExpr list = call.args().get(1);
				if (list.getKind() == CelExpr.ExprKind.Kind.LIST && !list.list().elements().isEmpty()
						&& list.list().elements().stream().allMatch(TenantPins::isLiteral)) {
					claimName(call.args().get(0), actor).ifPresent(pinned::add);
				}
			}
			default -> {
			}
		}
	}

	// claims.X or claims['X'] (actor.claims.X or actor.claims['X'] for the actor)
	private static Optional<String> claimName(CelExpr expr, boolean actor) {
		if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && isClaims(expr.select().operand(), actor)) {
			return Optional.of(expr.select().field());
		}
		if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && "_[_]".equals(expr.call().function())
				&& isClaims(expr.call().args().get(0), actor)
				&& expr.call().args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
				&& expr.call().args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
			return Optional.of(expr.call().args().get(1).constant().stringValue());
		}
		return Optional.empty();
	}

	private static boolean isClaims(CelExpr expr, boolean actor) {
		if (!actor) {
			return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && "claims".equals(expr.ident().name());
		}
		return expr.getKind() == CelExpr.ExprKind.Kind.SELECT && "claims".equals(expr.select().field())
				&& expr.select().operand().getKind() == CelExpr.ExprKind.Kind.IDENT
				&& "actor".equals(expr.select().operand().ident().name());
	}

	private static boolean isLiteral(CelExpr expr) {
		return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
				&& expr.constant().getKind() != CelConstant.Kind.NULL_VALUE;
	}

}

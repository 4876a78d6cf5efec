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

	/** The claim names the condition pins. */
	static Set<String> of(Condition condition) {
		Set<String> pinned = new HashSet<>();
		collect(condition.ast().getExpr(), pinned);
		return pinned;
	}

	private static void collect(CelExpr expr, Set<String> pinned) {
		if (expr.getKind() != CelExpr.ExprKind.Kind.CALL) {
			return;
		}
		CelExpr.CelCall call = expr.call();
		switch (call.function()) {
			case "_&&_" -> call.args().forEach((arg) -> collect(arg, pinned));
			case "_==_" -> {
				claimName(call.args().get(0)).filter((n) -> isLiteral(call.args().get(1))).ifPresent(pinned::add);
				claimName(call.args().get(1)).filter((n) -> isLiteral(call.args().get(0))).ifPresent(pinned::add);
			}
			case "@in" -> {
				CelExpr list = call.args().get(1);
				if (list.getKind() == CelExpr.ExprKind.Kind.LIST && !list.list().elements().isEmpty()
						&& list.list().elements().stream().allMatch(TenantPins::isLiteral)) {
					claimName(call.args().get(0)).ifPresent(pinned::add);
				}
			}
			default -> {
			}
		}
	}

	// claims.X or claims['X']
	private static Optional<String> claimName(CelExpr expr) {
		if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && isClaims(expr.select().operand())) {
			return Optional.of(expr.select().field());
		}
		if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && "_[_]".equals(expr.call().function())
				&& isClaims(expr.call().args().get(0))
				&& expr.call().args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
				&& expr.call().args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
			return Optional.of(expr.call().args().get(1).constant().stringValue());
		}
		return Optional.empty();
	}

	private static boolean isClaims(CelExpr expr) {
		return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && "claims".equals(expr.ident().name());
	}

	private static boolean isLiteral(CelExpr expr) {
		return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
				&& expr.constant().getKind() != CelConstant.Kind.NULL_VALUE;
	}

}

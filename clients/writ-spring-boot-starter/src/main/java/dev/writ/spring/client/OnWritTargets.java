package dev.writ.spring.client;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Whether {@code writ.client.targets} names at least one target. */
final class OnWritTargets extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return named(context.getEnvironment()) ? ConditionOutcome.match("writ.client.targets names a target")
				: ConditionOutcome.noMatch("writ.client.targets names no target");
	}

	static boolean named(Environment environment) {
		return Binder.get(environment)
			.bind("writ.client.targets", Bindable.mapOf(String.class, Object.class))
			.map((targets) -> !targets.isEmpty())
			.orElse(false);
	}

}

package dev.writ.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.writ.context.ExchangeContext;
import dev.writ.request.ExchangeRequest;
import dev.writ.trust.VerifiedSubject;

/**
 * The CEL activation of one exchange, built once and only if a condition or claim needs
 * it.
 */
final class Activation {

	private final ExchangeContext context;

	private final Set<String> parameters;

	private @Nullable Map<String, Object> values;

	Activation(ExchangeContext context, Set<String> parameters) {
		this.context = context;
		this.parameters = parameters;
	}

	Map<String, Object> get() {
		if (this.values == null) {
			ExchangeRequest request = this.context.request();
			Map<String, String> params = new LinkedHashMap<>();
			request.parameters().forEach((name, value) -> {
				if (this.parameters.contains(name)) {
					params.put(name, value);
				}
			});
			Map<String, Object> requestValues = new LinkedHashMap<>();
			requestValues.put("audience", request.audience().orElse(""));
			requestValues.put("resource", request.resource().map(Object::toString).orElse(""));
			requestValues.put("scopes", List.copyOf(request.scopes()));
			requestValues.put("params", params);
			VerifiedSubject subject = this.context.subject();
			// Without an actor, actor's fields are empty: a condition on them is false,
			// and a grant without an actor clause never sees a delegated request anyway.
			Map<String, Object> actor = this.context.actor()
				.map((party) -> Map.<String, Object>of("subject", party.verified().subject(), "source",
						party.verified().trustSource(), "claims", CelExpression.celValue(party.verified().claims()),
						"attributes", party.attributes()))
				.orElse(Map.of("subject", "", "source", "", "claims", Map.of(), "attributes", Map.of()));
			Map<String, Object> token = subject.chain()
				.map((chain) -> Map.<String, Object>of("aud", chain.audience(), "grant", chain.grant(), "scopes",
						List.copyOf(chain.scopes())))
				.orElse(Map.of("aud", "", "grant", "", "scopes", List.of()));
			this.values = Map.of("subject", subject.subject(), "source", subject.trustSource(), "claims",
					CelExpression.celValue(subject.claims()), "attributes", this.context.attributes(), "request",
					requestValues, "now", this.context.time().getEpochSecond(), "actor", actor, "act",
					Map.of("depth", (long) this.context.depth()), "token", token);
		}
		return this.values;
	}

}

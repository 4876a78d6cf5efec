package dev.writ.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.writ.trust.SourceHealth;
import dev.writ.trust.TrustSet;
import dev.writ.trust.TrustSource;

/**
 * The health of every trust source: its state, when its keys were last obtained, and the
 * last error. Writ is DOWN only when no source can verify anything; one issuer's outage
 * is a detail (its tokens are refused), not a reason to take the node out of a load
 * balancer. Details are hidden unless {@code management.endpoint.health.show-details}
 * allows them: they name the trust configuration.
 */
final class TrustHealthIndicator implements HealthIndicator {

	private final Supplier<TrustSet> trust;

	TrustHealthIndicator(Supplier<TrustSet> trust) {
		this.trust = trust;
	}

	@Override
	public Health health() {
		Map<String, Object> details = new LinkedHashMap<>();
		int down = 0;
		int total = 0;
		for (TrustSource source : this.trust.get().sources()) {
			SourceHealth health = source.keys().health();
			total++;
			if (health.state() == SourceHealth.State.DOWN) {
				down++;
			}
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("state", health.state().name());
			health.lastSuccess().ifPresent((t) -> detail.put("lastSuccess", t.toString()));
			health.lastError().ifPresent((e) -> detail.put("lastError", e));
			details.put(source.id(), detail);
		}
		Health.Builder builder = (total > 0 && down == total) ? Health.down() : Health.up();
		return builder.withDetails(details).build();
	}

}

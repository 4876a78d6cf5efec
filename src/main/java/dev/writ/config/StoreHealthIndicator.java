package dev.writ.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.writ.store.Store;
import dev.writ.store.StoreUnavailableException;

/**
 * The shared store's health: UP when it answers a ping within its timeout. While it is DOWN, exchanges that need it
 * are refused with 503 {@code temporarily_unavailable} (or carry on, for sources configured so).
 */
final class StoreHealthIndicator implements HealthIndicator {

	private final Store store;

	StoreHealthIndicator(Store store) {
		this.store = store;
	}

	@Override
	public Health health() {
		try {
			this.store.ping();
			return Health.up().withDetail("kind", this.store.kind()).build();
		}
		catch (StoreUnavailableException ex) {
			return Health.down().withDetail("kind", this.store.kind()).withDetail("error", ex.getMessage()).build();
		}
	}

}

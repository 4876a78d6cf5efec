package dev.writ.config;

import java.util.Objects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.writ.store.Store;

/**
 * The shared store's health, from the last background ping: UP while it answers,
 * {@code DEGRADED} while it does not. A node without its store still serves — exchanges
 * that need no store are granted, those that do are refused with 503
 * {@code temporarily_unavailable} and {@code Retry-After}, sources configured to carry on
 * go on — and every node shares the store, so draining this one would turn a partial
 * outage into a whole one: {@code DEGRADED} is answered with 200, and is the worse status
 * of the aggregate whenever nothing is DOWN.
 */
final class StoreHealthIndicator implements HealthIndicator {

	/** Serving, but not every exchange: the store does not answer. */
	static final Status DEGRADED = new Status("DEGRADED",
			"the store does not answer: exchanges that need it are refused");

	private final Store store;

	private final StoreMonitor monitor;

	StoreHealthIndicator(Store store, StoreMonitor monitor) {
		this.store = store;
		this.monitor = monitor;
	}

	@Override
	public Health health() {
		StoreMonitor.State state = this.monitor.current();
		if (state.reachable()) {
			return Health.up().withDetail("kind", this.store.kind()).build();
		}
		return Health.status(DEGRADED)
			.withDetail("kind", this.store.kind())
			.withDetail("error", Objects.requireNonNullElse(state.error(), "unreachable"))
			.build();
	}

}

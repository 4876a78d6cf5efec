package dev.writ.config;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import dev.writ.trust.SourceHealth;
import dev.writ.trust.TrustSet;
import dev.writ.trust.TrustSource;

/**
 * The health of every trust source's keys as metrics, refreshed every few seconds and
 * after each policy reload: {@code writ.trust.source.state{source,state}} (1 for the
 * state it is in: up, stale, down) and {@code writ.trust.source.key.age{source}} (seconds
 * since its keys were last obtained), for alerts such as "a JWKS has not been refreshed
 * for an hour".
 */
final class TrustMetrics implements AutoCloseable {

	private final Supplier<TrustSet> trust;

	private final Clock clock;

	private final MultiGauge state;

	private final MultiGauge age;

	private final ScheduledExecutorService scheduler;

	TrustMetrics(Supplier<TrustSet> trust, Clock clock, MeterRegistry meters, Duration interval) {
		this.trust = trust;
		this.clock = clock;
		this.state = MultiGauge.builder("writ.trust.source.state")
			.description("1 for the state a trust source's keys are in")
			.register(meters);
		this.age = MultiGauge.builder("writ.trust.source.key.age")
			.description("seconds since a trust source's keys were last obtained")
			.baseUnit("seconds")
			.register(meters);
		refresh();
		this.scheduler = Periodic.start("writ-trust-metrics", interval, interval, this::refresh);
	}

	void refresh() {
		List<MultiGauge.Row<?>> states = new ArrayList<>();
		List<MultiGauge.Row<?>> ages = new ArrayList<>();
		for (TrustSource source : this.trust.get().sources()) {
			SourceHealth health = source.keys().health();
			for (SourceHealth.State candidate : SourceHealth.State.values()) {
				states.add(MultiGauge.Row.of(
						Tags.of("source", source.id(), "state", candidate.name().toLowerCase(Locale.ROOT)),
						(candidate == health.state()) ? 1 : 0));
			}
			health.lastSuccess()
				.ifPresent((t) -> ages.add(MultiGauge.Row.of(Tags.of("source", source.id()),
						Duration.between(t, this.clock.instant()).toSeconds())));
		}
		this.state.register(states, true);
		this.age.register(ages, true);
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}

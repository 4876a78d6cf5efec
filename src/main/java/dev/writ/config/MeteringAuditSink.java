package dev.writ.config;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.writ.audit.AuditEvent;
import dev.writ.audit.AuditSink;

/**
 * Counts what the audit events say — exchanges by outcome, error, trust source and grant, replays by source — and
 * times them, then passes each event on. Tag values come from the policies and the RFC error codes, never from a
 * request, so the number of series stays bounded.
 */
final class MeteringAuditSink implements AuditSink, Closeable {

	private final AuditSink next;

	private final MeterRegistry meters;

	// Meters by their tag values: looked up once, then counted without the registry's tag hashing.
	private final ConcurrentHashMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

	MeteringAuditSink(AuditSink next, MeterRegistry meters) {
		this.next = next;
		this.meters = meters;
	}

	@Override
	public void record(AuditEvent event) {
		try {
			Map<String, Object> fields = event.fields();
			String outcome = String.valueOf(fields.getOrDefault("outcome", "unknown"));
			String source = String.valueOf(fields.getOrDefault("trust_source", "none"));
			String error = String.valueOf(fields.getOrDefault("error", "none"));
			String grant = String.valueOf(fields.getOrDefault("grant", "none"));
			this.counters.computeIfAbsent(List.of("exchanges", outcome, error, source, grant),
					(k) -> Counter.builder("writ.exchanges")
						.tag("outcome", outcome)
						.tag("error", error)
						.tag("source", source)
						.tag("grant", grant)
						.register(this.meters))
				.increment();
			if (Boolean.TRUE.equals(fields.get("replay"))) {
				this.counters.computeIfAbsent(List.of("replays", source),
						(k) -> Counter.builder("writ.exchange.replays").tag("source", source).register(this.meters))
					.increment();
			}
			if (fields.get("latency_us") instanceof Long micros) {
				this.timers.computeIfAbsent(outcome, (k) -> Timer.builder("writ.exchange.latency")
					.tag("outcome", outcome)
					.publishPercentileHistogram()
					.register(this.meters)).record(Duration.ofNanos(micros * 1000));
			}
		}
		finally {
			this.next.record(event);
		}
	}

	@Override
	public void close() throws IOException {
		if (this.next instanceof Closeable closeable) {
			closeable.close();
		}
	}

}

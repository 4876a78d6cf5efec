package dev.writ.config;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.writ.policy.UsageLedger;
import dev.writ.audit.AuditEvent;
import dev.writ.audit.AuditSink;
import dev.writ.audit.Outcome;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.audit.TransportRefusalEvent;
import dev.writ.error.ErrorCode;

/**
 * Counts what the audit events say — exchanges by outcome, error, trust source and grant,
 * replays by source — and times them, keeps who federates already ({@link UsageLedger}),
 * then passes each event on. It reads each kind of event by its components, so a renamed
 * component fails to compile here rather than silently emptying a metric. Tag values come
 * from the policies and the RFC error codes, never from a request, so the number of
 * series stays bounded.
 */
final class MeteringAuditSink implements AuditSink, Closeable {

	private final AuditSink next;

	private final MeterRegistry meters;

	// Meters by their tag values: looked up once, then counted without the registry's tag
	// hashing.
	private final ConcurrentHashMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

	private final UsageLedger usage;

	MeteringAuditSink(AuditSink next, MeterRegistry meters, UsageLedger usage) {
		this.next = next;
		this.meters = meters;
		this.usage = usage;
	}

	@Override
	public void record(AuditEvent event) {
		try {
			switch (event) {
				case TokenExchangeEvent exchange -> {
					count(exchange.outcome(), exchange.error(), exchange.trustSource(), exchange.grant(),
							Boolean.TRUE.equals(exchange.replay()), exchange.latency());
					used(exchange);
				}
				case TransportRefusalEvent refusal ->
					count(refusal.outcome(), refusal.error(), null, null, false, null);
			}
		}
		finally {
			this.next.record(event);
		}
	}

	private void used(TokenExchangeEvent exchange) {
		String subject = exchange.subject();
		String audience = exchange.audience();
		String grant = exchange.grant();
		if (exchange.outcome() == Outcome.GRANTED && subject != null && audience != null && grant != null) {
			this.usage.granted(subject, audience, grant, exchange.time());
		}
	}

	// Null where the event has no such component: tagged unknown (outcome) or none, as
	// they always were.
	private void count(@Nullable Outcome outcome, @Nullable ErrorCode error, @Nullable String source,
			@Nullable String grant, boolean replay, @Nullable Duration latency) {
		String outcomeTag = (outcome != null) ? outcome.value() : "unknown";
		String errorTag = (error != null) ? error.code() : "none";
		String sourceTag = Objects.requireNonNullElse(source, "none");
		String grantTag = Objects.requireNonNullElse(grant, "none");
		this.counters
			.computeIfAbsent(List.of("exchanges", outcomeTag, errorTag, sourceTag, grantTag),
					(k) -> Counter.builder("writ.exchanges")
						.tag("outcome", outcomeTag)
						.tag("error", errorTag)
						.tag("source", sourceTag)
						.tag("grant", grantTag)
						.register(this.meters))
			.increment();
		if (replay) {
			this.counters
				.computeIfAbsent(List.of("replays", sourceTag),
						(k) -> Counter.builder("writ.exchange.replays").tag("source", sourceTag).register(this.meters))
				.increment();
		}
		if (latency != null) {
			this.timers
				.computeIfAbsent(outcomeTag,
						(k) -> Timer.builder("writ.exchange.latency")
							.tag("outcome", outcomeTag)
							.publishPercentileHistogram()
							.register(this.meters))
				.record(latency);
		}
	}

	@Override
	public void close() throws IOException {
		if (this.next instanceof Closeable closeable) {
			closeable.close();
		}
	}

}

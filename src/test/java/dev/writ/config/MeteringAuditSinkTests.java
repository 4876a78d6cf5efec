package dev.writ.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.writ.policy.UsageLedger;
import dev.writ.audit.AuditEvent;
import dev.writ.audit.Outcome;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.audit.TransportRefusalEvent;
import dev.writ.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

class MeteringAuditSinkTests {

	static final Instant TIME = Instant.parse("2026-11-22T10:00:00Z");

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final List<AuditEvent> passedOn = new ArrayList<>();

	final UsageLedger usage = new UsageLedger((subject, audience) -> true, (grant) -> true);

	final MeteringAuditSink sink = new MeteringAuditSink(this.passedOn::add, this.meters, this.usage);

	@Test
	void recordWhenGrantedThenCountedByOutcomeSourceAndGrantTimedAndPassedOn() {
		AuditEvent event = TokenExchangeEvent.begin(TIME)
			.trustSource("prod")
			.outcome(Outcome.GRANTED)
			.grant("checkout-pays")
			.scopes(Set.of())
			.latency(Duration.ofNanos(1_500_700))
			.build();

		this.sink.record(event);

		assertThat(exchanges("granted", "none", "prod", "checkout-pays")).isEqualTo(1);
		assertThat(this.meters.get("writ.exchange.latency")
			.tag("outcome", "granted")
			.timer()
			.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_500_000);
		assertThat(this.meters.find("writ.exchange.replays").counter()).isNull();
		assertThat(this.passedOn).containsExactly(event);
	}

	@Test
	void recordWhenReplayThenReplayCountedBySource() {
		this.sink.record(TokenExchangeEvent.begin(TIME)
			.trustSource("prod")
			.replay(true)
			.outcome(Outcome.DENIED)
			.error(ErrorCode.INVALID_REQUEST)
			.latency(Duration.ZERO)
			.build());

		assertThat(exchanges("denied", "invalid_request", "prod", "none")).isEqualTo(1);
		assertThat(this.meters.get("writ.exchange.replays").tag("source", "prod").counter().count()).isEqualTo(1);
	}

	@Test
	void recordWhenTransportRefusalThenCountedWithoutSourceOrLatency() {
		this.sink.record(new TransportRefusalEvent(TIME, ErrorCode.UNSUPPORTED_GRANT_TYPE, "another grant type"));

		assertThat(exchanges("denied", "unsupported_grant_type", "none", "none")).isEqualTo(1);
		assertThat(this.meters.find("writ.exchange.latency").timer()).isNull();
	}

	@Test
	void recordWhenNoOutcomeThenUnknown() {
		this.sink.record(TokenExchangeEvent.begin(TIME).latency(Duration.ZERO).build());

		assertThat(exchanges("unknown", "none", "none", "none")).isEqualTo(1);
	}

	private double exchanges(String outcome, String error, String source, String grant) {
		return this.meters.get("writ.exchanges")
			.tag("outcome", outcome)
			.tag("error", error)
			.tag("source", source)
			.tag("grant", grant)
			.counter()
			.count();
	}

}

package dev.writ.config;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.PolicyStore;
import dev.writ.policy.UsageLedger;

/**
 * Keeps the register of API keys in view on a running Writ: every {@code interval} it
 * assesses the policies' register against today's date and this node's
 * {@link UsageLedger} (who federates), publishes
 * {@code writ_api_key_exceptions{state,kind}} and {@code writ_api_key_days_to_due{id}},
 * and logs each entry whose state changed (each entry that is not {@code ok} once at
 * start). It never refuses anything: an exception going overdue is reported, not
 * enforced.
 */
public final class RegisterMonitor implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RegisterMonitor.class);

	private final PolicyStore policies;

	private final UsageLedger usage;

	private final Clock clock;

	private final MultiGauge exceptions;

	private final MultiGauge daysToDue;

	private final Map<String, ApiKeyEntry.State> states = new HashMap<>(); // guarded by
																			// this

	private volatile List<ApiKeyRegister.Assessment> current = List.of();

	private final ScheduledExecutorService scheduler;

	RegisterMonitor(PolicyStore policies, UsageLedger usage, Clock clock, MeterRegistry meters, Duration interval) {
		this.policies = policies;
		this.usage = usage;
		this.clock = clock;
		this.exceptions = MultiGauge.builder("writ.api_key_exceptions")
			.description("API keys of the register, by state and kind")
			.register(meters);
		Gauge.builder("writ.governance.evidence_not_kept", usage, UsageLedger::notKept)
			.description("Granted exchanges whose subject, grant or audience the usage ledger had no room to keep")
			.register(meters);
		this.daysToDue = MultiGauge.builder("writ.api_key_days_to_due")
			.description("Days until an API key of the register expires or is due for review (negative: overdue)")
			.register(meters);
		check();
		this.scheduler = Periodic.start("writ-register-monitor", interval, interval, this::check);
	}

	/** Each entry's state, as of the last check. */
	public List<ApiKeyRegister.Assessment> assessments() {
		return this.current;
	}

	/**
	 * Each entry's state now: assessed again, and published (metrics, log lines) only if
	 * a state changed since the last round, so asking often costs an assessment, not a
	 * re-registration of the gauges.
	 */
	public synchronized List<ApiKeyRegister.Assessment> assessNow() {
		List<ApiKeyRegister.Assessment> fresh = assess(LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC));
		boolean changed = fresh.size() != this.states.size()
				|| fresh.stream().anyMatch((a) -> a.state() != this.states.get(a.entry().id()));
		if (changed) {
			check();
		}
		return fresh;
	}

	private List<ApiKeyRegister.Assessment> assess(LocalDate today) {
		return this.policies.current().register().assess(today, this.usage::used);
	}

	/** The exchanges this node has granted since it started: who federates. */
	public UsageLedger usage() {
		return this.usage;
	}

	synchronized void check() {
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		List<ApiKeyRegister.Assessment> assessed = assess(today);
		Map<String, ApiKeyEntry.State> seen = new HashMap<>();
		Map<ApiKeyEntry.State, Map<ApiKeyEntry.Kind, Integer>> counts = new EnumMap<>(ApiKeyEntry.State.class);
		List<MultiGauge.Row<?>> days = new ArrayList<>();
		for (ApiKeyRegister.Assessment assessment : assessed) {
			ApiKeyEntry entry = assessment.entry();
			ApiKeyEntry.State state = assessment.state();
			seen.put(entry.id(), state);
			counts.computeIfAbsent(state, (s) -> new EnumMap<>(ApiKeyEntry.Kind.class))
				.merge(entry.kind(), 1, Integer::sum);
			days.add(MultiGauge.Row.of(Tags.of("id", entry.id()), ChronoUnit.DAYS.between(today, entry.due())));
			ApiKeyEntry.State before = this.states.get(entry.id());
			if (before == null && state != ApiKeyEntry.State.OK) {
				logger.warn("API key {} ({}, holder {}, owner {}) is {}: {}", entry.id(), entry.system(),
						entry.holder(), entry.owner(), state.label(), entry.where());
			}
			else if (before != null && before != state) {
				logger.warn("API key {} ({}, owner {}) is now {} (was {}): {}", entry.id(), entry.system(),
						entry.owner(), state.label(), before.label(), entry.where());
			}
		}
		this.states.clear();
		this.states.putAll(seen);
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		for (ApiKeyEntry.State state : ApiKeyEntry.State.values()) {
			for (ApiKeyEntry.Kind kind : ApiKeyEntry.Kind.values()) {
				int n = counts.getOrDefault(state, Map.of()).getOrDefault(kind, 0);
				rows.add(MultiGauge.Row.of(Tags.of("state", state.label(), "kind", kind.label()), n));
			}
		}
		this.exceptions.register(rows, true);
		this.daysToDue.register(days, true);
		this.current = assessed;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}

package dev.writ.config;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.error.Failures;
import dev.writ.store.Store;
import dev.writ.store.StoreUnavailableException;

/**
 * Says which store Writ uses and whether it answers: at start-up, and again on every
 * change, so an operator reading the log knows why exchanges that need the store are
 * refused, and when they are served again. Pings it every {@code interval} in the
 * background (a bounded call: the store's own timeout), and keeps the last answer for the
 * health endpoint and the {@code writ.store.up} gauge: a health probe never waits on the
 * store.
 */
final class StoreMonitor implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(StoreMonitor.class);

	private final Store store;

	private final String description;

	private final AtomicReference<State> state = new AtomicReference<>();

	private final ScheduledExecutorService scheduler;

	/**
	 * @param store the store
	 * @param description what and where it is, without credentials
	 * ({@code redis at 127.0.0.1:6379})
	 * @param interval how often it is pinged
	 */
	StoreMonitor(Store store, String description, MeterRegistry meters, Duration interval) {
		this.store = store;
		this.description = description;
		check();
		Gauge.builder("writ.store.up", this, (monitor) -> monitor.current().reachable() ? 1 : 0)
			.description("1 while the shared store answers, 0 while exchanges that need it are refused")
			.register(meters);
		this.scheduler = Periodic.start("writ-store-monitor", interval, interval, this::check);
	}

	/** The last answer of the store. */
	State current() {
		return Objects.requireNonNull(this.state.get(), "checked when made");
	}

	void check() {
		State now;
		try {
			this.store.ping();
			now = new State(true, null);
		}
		catch (StoreUnavailableException ex) {
			now = new State(false, Failures.message(ex));
		}
		catch (RuntimeException ex) {
			now = new State(false, ex.getClass().getSimpleName());
		}
		State before = this.state.getAndSet(now);
		if (before == null) {
			if (now.reachable()) {
				logger.info("Store: {}, reachable{}", this.description, "memory".equals(this.store.kind())
						? " (this node only: replay guard, revocations and rate limits are not shared with other nodes)"
						: "");
			}
			else {
				logger.warn("Store: {}, unreachable ({}): exchanges that need it (one-time tokens, rate limits, "
						+ "revocation checks) are refused with 503 temporarily_unavailable until it answers; sources "
						+ "with on_store_failure: carry-on go on", this.description, now.error());
			}
		}
		else if (before.reachable() && !now.reachable()) {
			logger.warn("Store: {} became unreachable ({}): exchanges that need it are refused with 503 "
					+ "temporarily_unavailable until it answers", this.description, now.error());
		}
		else if (!before.reachable() && now.reachable()) {
			logger.info("Store: {} is reachable again: every exchange is served", this.description);
		}
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

	/**
	 * @param reachable whether the store answered its last ping
	 * @param error why not, when it did not: a message naming no credential
	 */
	record State(boolean reachable, @Nullable String error) {
	}

}

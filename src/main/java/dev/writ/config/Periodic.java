package dev.writ.config;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background rounds of Writ's watchers: one named virtual thread each, a fixed delay
 * between rounds.
 */
final class Periodic {

	private static final Logger logger = LoggerFactory.getLogger(Periodic.class);

	private Periodic() {
	}

	/**
	 * Runs {@code task} every {@code interval}, the first time after
	 * {@code initialDelay}; the caller shuts the returned scheduler down when it closes.
	 */
	static ScheduledExecutorService start(String threadName, Duration initialDelay, Duration interval, Runnable task) {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(threadName).factory());
		// A round that fails is logged and the next one runs: an executor would otherwise
		// end the schedule silently,
		// and a watcher would stop watching. Nothing waits on the schedule itself; the
		// caller shuts it down.
		Runnable round = () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("{}: a round failed; the next runs in {}", threadName, interval, ex);
			}
		};
		ScheduledFuture<?> unused = scheduler.scheduleWithFixedDelay(round, initialDelay.toMillis(),
				interval.toMillis(), TimeUnit.MILLISECONDS);
		return scheduler;
	}

}

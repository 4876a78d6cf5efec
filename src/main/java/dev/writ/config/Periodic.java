package dev.writ.config;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The background rounds of Writ's watchers: one named virtual thread each, a fixed delay between rounds. */
final class Periodic {

	private Periodic() {
	}

	/**
	 * Runs {@code task} every {@code interval}, the first time after {@code initialDelay}; the caller shuts the
	 * returned scheduler down when it closes.
	 */
	static ScheduledExecutorService start(String threadName, Duration initialDelay, Duration interval, Runnable task) {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(threadName).factory());
		scheduler.scheduleWithFixedDelay(task, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
		return scheduler;
	}

}

package dev.writ.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded waits for tests (Awaitility is not on the class path): poll a condition until it holds, and fail, naming
 * what was awaited, if it has not held within a generous limit. It asserts outcomes, never durations.
 */
public final class Polling {

	private Polling() {
	}

	/** Waits until {@code condition} holds, at most {@code limit}. */
	public static void until(String what, Duration limit, BooleanSupplier condition) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("waited %s for %s", limit, what).isNegative();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted while waiting for " + what, ex);
			}
		}
	}

}

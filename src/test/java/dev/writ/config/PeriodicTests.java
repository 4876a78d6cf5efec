package dev.writ.config;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

class PeriodicTests {

	@Test
	void startWhenARoundFailsThenTheNextRoundsStillRun() {
		AtomicInteger rounds = new AtomicInteger();
		ScheduledExecutorService scheduler = Periodic.start("writ-test-rounds", Duration.ZERO, Duration.ofMillis(10),
				() -> {
					if (rounds.incrementAndGet() == 1) {
						throw new IllegalStateException("the first round fails");
					}
				});
		try {
			await("rounds after a failed one").atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 3);
		}
		finally {
			scheduler.shutdownNow();
		}
	}

}

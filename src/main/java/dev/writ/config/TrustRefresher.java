package dev.writ.config;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.trust.RemoteKeys;
import dev.writ.trust.TrustSet;

/**
 * Refreshes remote keys that are due even when no token arrives, so that keys are warm
 * for the next exchange and health tells the truth about quiet issuers. Requests still
 * refresh ahead on their own. A round only starts the due refreshes, each on the trust
 * executor and single-flight per source: it waits for none, so a slow or stuck source
 * delays no other source, nor the next round.
 */
final class TrustRefresher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TrustRefresher.class);

	private final ScheduledExecutorService scheduler;

	TrustRefresher(Supplier<TrustSet> trust, Duration period) {
		this.scheduler = Periodic.start("writ-trust-refresh", Duration.ZERO, period, () -> {
			try {
				trust.get().sources().forEach((source) -> {
					if (source.keys() instanceof RemoteKeys remote) {
						remote.refreshIfDue();
					}
				});
			}
			catch (RuntimeException ex) {
				logger.warn("Refreshing trust failed", ex);
			}
		});
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}

package dev.writ.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyConfigurationException;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.KeyRing;
import dev.writ.keys.KeyState;
import dev.writ.keys.ManagedKey;
import dev.writ.keys.SigningKeys;

/**
 * Keeps the signing keys in force current: every interval it adds the next key when
 * rotation is due, re-reads the key directory (only changed files are parsed again),
 * places the keys in the schedule at this moment and swaps the snapshot whole. A
 * directory with a bad file is refused — every problem logged once, counted — and the
 * last good keys stay, still moving through their schedule. With rotation on, files of
 * expired keys are deleted.
 */
final class KeyWatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KeyWatcher.class);

	private static final Duration WARN_AGAIN_AFTER = Duration.ofHours(1);

	private final KeyDirectory directory;

	private final KeyAlgorithm algorithm;

	private final KeyRing ring;

	private final Clock clock;

	private final Counter applied;

	private final Counter refused;

	private final MultiGauge active;

	private final @Nullable ScheduledExecutorService scheduler;

	private List<String> lastProblems = List.of();

	private Instant lastRotationWarning = Instant.MIN;

	KeyWatcher(KeyDirectory directory, KeyAlgorithm algorithm, KeyRing ring, Clock clock, MeterRegistry meters,
			Duration interval) {
		this.directory = Objects.requireNonNull(directory, "directory cannot be null");
		this.algorithm = Objects.requireNonNull(algorithm, "algorithm cannot be null");
		this.ring = Objects.requireNonNull(ring, "ring cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.applied = Counter.builder("writ.keys.reloads").tag("outcome", "applied").register(meters);
		this.refused = Counter.builder("writ.keys.reloads").tag("outcome", "refused").register(meters);
		this.active = MultiGauge.builder("writ.keys.active")
			.description("1 for the signing key in force, tagged with its kid")
			.register(meters);
		for (KeyState state : KeyState.values()) {
			Gauge
				.builder("writ.keys", ring,
						(r) -> r.current().keys().stream().filter((k) -> k.state() == state).count())
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.description("signing keys by state")
				.register(meters);
		}
		publish(ring.current());
		describe(ring.current());
		if (interval.isZero()) {
			this.scheduler = null;
			logger.info("Signing-key reload is off (writ.keys.reload-interval=0): keys change state only at a restart");
		}
		else {
			this.scheduler = Periodic.start("writ-key-watch", interval, interval, this::poll);
		}
	}

	/** One round: rotate if due, reload, swap, prune. */
	void poll() {
		try {
			rotate();
			SigningKeys before = this.ring.current();
			SigningKeys after;
			try {
				after = this.directory.load();
				if (!this.lastProblems.isEmpty()) {
					logger.info("The key directory {} is valid again; its keys are in force", this.directory.path());
					this.lastProblems = List.of();
				}
				this.applied.increment();
			}
			catch (KeyConfigurationException ex) {
				this.refused.increment();
				if (!ex.problems().equals(this.lastProblems)) {
					logger.error("Signing keys NOT reloaded; the last good keys stay in force. {} problem(s):\n  {}",
							ex.problems().size(), String.join("\n  ", ex.problems()));
					this.lastProblems = ex.problems();
				}
				after = before.reschedule(this.clock.instant(), this.directory.schedule());
			}
			this.ring.replace(after);
			if (!after.sameAs(before)) {
				logChanges(before, after);
				publish(after);
			}
			if (this.directory.schedule().rotates()) {
				for (Path deleted : this.directory.prune(after)) {
					logger.info("Deleted the expired signing key file {}: every token it signed has expired", deleted);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.error("Watching the signing keys failed", ex);
		}
	}

	private void rotate() {
		try {
			Optional<Path> added = this.directory.rotateIfDue(this.algorithm);
			added.ifPresent((file) -> logger.info(
					"Rotation: added the signing key {}; it is published now and signs " + "after {}",
					file.getFileName(), this.directory.schedule().publishAhead()));
		}
		catch (KeyConfigurationException ex) {
			Instant now = this.clock.instant();
			if (now.isAfter(this.lastRotationWarning.plus(WARN_AGAIN_AFTER))) {
				logger.warn(
						"Rotation is due but no key could be added ({}); the keys in force keep signing. Set "
								+ "writ.keys.rotation-period=0 where keys are managed outside Writ",
						String.join("; ", ex.problems()));
				this.lastRotationWarning = now;
			}
		}
	}

	private void publish(SigningKeys keys) {
		this.active.register(List.of(MultiGauge.Row.of(Tags.of("kid", keys.active().kid()), 1)), true);
	}

	private static void describe(SigningKeys keys) {
		for (ManagedKey key : keys.keys()) {
			logger.info("Signing key {} ({}, {}): {}", key.kid(), key.key().algorithm(), key.key().source(),
					state(key));
		}
	}

	private static void logChanges(SigningKeys before, SigningKeys after) {
		Map<String, ManagedKey> old = before.keys()
			.stream()
			.collect(Collectors.toMap(ManagedKey::kid, Function.identity()));
		for (ManagedKey key : after.keys()) {
			ManagedKey was = old.remove(key.kid());
			if (was == null || was.state() != key.state()) {
				logger.info("Signing key {} ({}, {}): {}", key.kid(), key.key().algorithm(), key.key().source(),
						state(key));
			}
		}
		old.values()
			.forEach((key) -> logger.info("Signing key {} ({}) is gone from the key directory", key.kid(),
					key.key().source()));
	}

	private static String state(ManagedKey key) {
		return switch (key.state()) {
			case NEXT -> "next: published, signs from " + key.activeFrom();
			case ACTIVE -> "active: signs new tokens";
			case RETIRED -> "retired: published until " + key.publishedUntil();
			case EXPIRED -> "expired: no longer published";
		};
	}

	@Override
	public void close() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

}

package dev.writ.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.digest.Sha256;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicySet;
import dev.writ.policy.PolicyStore;
import dev.writ.policy.load.PolicyLoader;

/**
 * Watches the policy files and the trust material beside them ({@code keys/trust/}) and
 * reloads the policies when their content changes. Polling content digests rather than
 * file events works the same on every file system, Kubernetes ConfigMap symlink swaps
 * included. A reload that finds any problem changes nothing; the policies in force stay,
 * and the refusal is logged and counted. The digest in force is a metric.
 */
final class PolicyWatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PolicyWatcher.class);

	private final PolicyStore store;

	private final Path policies;

	private final List<Path> trustDirectories;

	private final Counter applied;

	private final Counter refused;

	private final MultiGauge active;

	private final @Nullable ScheduledExecutorService scheduler;

	private String fingerprint;

	/**
	 * @param policies the policies directory: the files the loader reads there are
	 * watched
	 * @param trustDirectories directories where trust files appear (keys/trust): every
	 * file there but hidden ones
	 */
	PolicyWatcher(PolicyStore store, Path policies, List<Path> trustDirectories, MeterRegistry meters,
			Duration interval) {
		this.store = Objects.requireNonNull(store, "store cannot be null");
		this.policies = Objects.requireNonNull(policies, "policies cannot be null");
		this.trustDirectories = List.copyOf(trustDirectories);
		this.applied = Counter.builder("writ.policy.reloads").tag("outcome", "applied").register(meters);
		this.refused = Counter.builder("writ.policy.reloads").tag("outcome", "refused").register(meters);
		this.active = MultiGauge.builder("writ.policy.active")
			.description("1 for the policy digest in force, tagged with it")
			.register(meters);
		this.fingerprint = fingerprint();
		publish(store.current());
		if (interval.isZero()) {
			this.scheduler = null;
			logger.info("Policy hot reload is off (writ.policies-reload-interval=0)");
		}
		else {
			this.scheduler = Periodic.start("writ-policy-watch", interval, interval, this::poll);
		}
	}

	/** Reloads if anything watched changed since the last look. */
	void poll() {
		try {
			String now = fingerprint();
			if (now.equals(this.fingerprint)) {
				return;
			}
			this.fingerprint = now;
			try {
				PolicySet loaded = this.store.reload();
				this.applied.increment();
				publish(loaded);
			}
			catch (PolicyException ex) {
				// PolicyStore logged every problem; the set in force is unchanged.
				this.refused.increment();
			}
		}
		catch (RuntimeException ex) {
			logger.error("Watching the policies failed", ex);
		}
	}

	private void publish(PolicySet set) {
		this.active.register(List.of(MultiGauge.Row.of(Tags.of("digest", set.digest()), 1)), true);
	}

	private String fingerprint() {
		MessageDigest digest = Sha256.start();
		// And every trust file the policies in force were loaded from, wherever it is
		// (not only keys/trust/).
		for (Path file : this.store.current().trustFiles()) {
			digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
			try {
				digest.update(Files.readAllBytes(file));
			}
			catch (IOException ex) {
				digest.update("unreadable".getBytes(StandardCharsets.UTF_8));
			}
		}
		update(digest, this.policies, PolicyLoader::isPolicyFile);
		for (Path directory : this.trustDirectories) {
			update(digest, directory, (file) -> !PolicyLoader.isHidden(file));
		}
		return Sha256.hex(digest);
	}

	// The name and content of each file of the directory that counts, in name order.
	private static void update(MessageDigest digest, Path directory, Predicate<Path> counts) {
		if (!Files.isDirectory(directory)) {
			return;
		}
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.filter(Files::isRegularFile).filter(counts).sorted().toList()) {
				digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
				digest.update(Files.readAllBytes(file));
			}
		}
		catch (IOException ex) {
			digest.update(("unreadable:" + directory).getBytes(StandardCharsets.UTF_8));
		}
	}

	@Override
	public void close() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

}

package dev.writ.policy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the policy set in force. A reload loads the directory anew and swaps the new set
 * in whole; a reload that finds any problem changes nothing, and the last good set stays
 * in force.
 */
public final class PolicyStore {

	private static final Logger logger = LoggerFactory.getLogger(PolicyStore.class);

	private final Supplier<PolicySet> loading;

	private final AtomicReference<PolicySet> current;

	/**
	 * Loads the policies for the first time, and again at each reload, with
	 * {@code loading}: a loader's load of {@code directory}, with whatever step must come
	 * before it.
	 * @throws PolicyException if the first load finds any problem: there is no last good
	 * set to keep
	 */
	public PolicyStore(Supplier<PolicySet> loading, Path directory) {
		this.loading = Objects.requireNonNull(loading, "loading cannot be null");
		Objects.requireNonNull(directory, "directory cannot be null");
		PolicySet initial = loading.get();
		this.current = new AtomicReference<>(initial);
		logger.info("Policies loaded from {}: {} grant(s), digest {}", directory, initial.grantCount(),
				initial.digest());
		initial.demoEntries().forEach((demo) -> logger.warn(demo.warning()));
	}

	/** The policy set in force now. */
	public PolicySet current() {
		// Set at construction, and only ever replaced by a sound set.
		return Objects.requireNonNull(this.current.get(), "current cannot be null");
	}

	/**
	 * Loads the directory again and, if it is sound, puts it in force.
	 * @return the set in force afterwards
	 * @throws PolicyException listing every problem; the set in force is unchanged
	 */
	public PolicySet reload() {
		PolicySet loaded;
		try {
			loaded = this.loading.get();
		}
		catch (PolicyException ex) {
			logger.error("Policy reload refused; digest {} stays in force. {}", current().digest(), ex.getMessage());
			throw ex;
		}
		PolicySet previous = this.current.getAndSet(loaded);
		logger.info("Policies reloaded: {} grant(s), digest {}", loaded.grantCount(), loaded.digest());
		// Said at start-up, and again only for a demo entry the reload adds: not at every
		// reload.
		loaded.demoEntries()
			.stream()
			.filter((demo) -> previous.demoEntries()
				.stream()
				.noneMatch((p) -> p.trustDomain().equals(demo.trustDomain())))
			.forEach((demo) -> logger.warn(demo.warning()));
		return loaded;
	}

}

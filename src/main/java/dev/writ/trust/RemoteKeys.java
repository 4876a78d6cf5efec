package dev.writ.trust;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.audit.LogText;

/**
 * Keys fetched from an issuer or bundle endpoint and kept fresh, failing closed:
 * <ul>
 * <li>the first use fetches; later uses are served from the last good keys;</li>
 * <li>when the keys are older than the refresh interval (or the bundle's refresh hint), a use triggers a refresh in
 * the background and is served at once (refresh-ahead);</li>
 * <li>a {@code kid} not among the keys triggers a fetch in the foreground, at most once per
 * {@code minRefetchInterval} (key rotation is picked up at once, an unknown-kid flood costs one fetch);</li>
 * <li>fetches are single-flight: concurrent callers wait for the one fetch under way instead of starting their own,
 * for no longer than that fetch takes (the loader's own deadline bounds it); no lock is held while it runs; after a
 * failure the next attempt waits {@code retryInterval};</li>
 * <li>through an outage the last good keys stay in use until they are {@code maxStale} old; after that the source
 * is down and its tokens are refused, until a fetch succeeds again.</li>
 * </ul>
 */
public final class RemoteKeys implements KeyProvider {

	private static final Logger logger = LoggerFactory.getLogger(RemoteKeys.class);

	private final String name;

	private final Loader loader;

	private final RefreshPolicy policy;

	private final Clock clock;

	private final Executor executor;

	// Guards starting and ending a fetch, never the fetch itself: a caller takes it only to decide whether to start
	// one, join the one under way or do neither.
	private final ReentrantLock lock = new ReentrantLock();

	// The fetch under way, if any; guarded by the lock.
	private CompletableFuture<Snapshot> inFlight;

	private volatile Snapshot snapshot;

	private volatile Instant lastAttempt;

	private volatile String lastError;

	private volatile Instant lastUnknownKidFetch;

	// Counts finished fetch attempts: a caller that saw generation g and finds g+1 knows a fetch finished since it
	// looked (single flight), without comparing clock readings.
	private volatile long generation;

	/**
	 * @param name what the keys belong to, for logs and errors
	 * @param loader fetches and parses the keys
	 * @param policy the timing
	 * @param clock the clock
	 * @param executor runs background refreshes
	 */
	public RemoteKeys(String name, Loader loader, RefreshPolicy policy, Clock clock, Executor executor) {
		this.name = Objects.requireNonNull(name, "name cannot be null");
		this.loader = Objects.requireNonNull(loader, "loader cannot be null");
		this.policy = Objects.requireNonNull(policy, "policy cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.executor = Objects.requireNonNull(executor, "executor cannot be null");
	}

	@Override
	public KeySet keys(String kid) {
		Instant now = this.clock.instant();
		long seen = this.generation;
		Snapshot current = this.snapshot;
		if (current == null || !current.usableAt(now, this.policy.maxStale())) {
			current = fetchNow(now, seen);
			if (current == null || !current.usableAt(now, this.policy.maxStale())) {
				throw new KeysUnavailableException((current == null) ? "no keys fetched yet" + lastErrorSuffix()
						: "keys older than " + this.policy.maxStale() + lastErrorSuffix());
			}
			return current.keys();
		}
		if (current.keys().get(kid) == null && mayFetchForUnknownKid(now)) {
			this.lastUnknownKidFetch = now;
			Snapshot fetched = fetchNow(now, seen);
			return (fetched != null) ? fetched.keys() : current.keys();
		}
		if (!now.isBefore(current.refreshAt())) {
			fetchInBackground(now, seen);
		}
		return current.keys();
	}

	/**
	 * Starts a refresh on the executor if one is due and none is under way, and returns at once: a scheduler that
	 * calls this for every source is held up by none of them, and one slow source delays no other.
	 */
	public void refreshIfDue() {
		Instant now = this.clock.instant();
		long seen = this.generation;
		Snapshot current = this.snapshot;
		if (current == null || !now.isBefore(current.refreshAt())) {
			fetchInBackground(now, seen);
		}
	}

	@Override
	public SourceHealth health() {
		Snapshot current = this.snapshot;
		Instant now = this.clock.instant();
		Optional<Instant> success = Optional.ofNullable(current).map(Snapshot::fetchedAt);
		Optional<String> error = Optional.ofNullable(this.lastError);
		if (current == null) {
			return new SourceHealth((this.lastAttempt == null) ? SourceHealth.State.UNKNOWN : SourceHealth.State.DOWN,
					success, error);
		}
		if (!current.usableAt(now, this.policy.maxStale())) {
			return new SourceHealth(SourceHealth.State.DOWN, success, error);
		}
		return new SourceHealth(error.isPresent() ? SourceHealth.State.STALE : SourceHealth.State.UP, success, error);
	}

	private boolean mayFetchForUnknownKid(Instant now) {
		Instant last = this.lastUnknownKidFetch;
		return last == null || !now.isBefore(last.plus(this.policy.minRefetchInterval()));
	}

	/** Fetches in the caller's thread, or waits for the fetch under way; returns the snapshot then in force. */
	private Snapshot fetchNow(Instant requestedAt, long seen) {
		Flight flight = flight(requestedAt, seen);
		if (flight.owned()) {
			load(flight.result());
		}
		try {
			// Unbounded here, bounded by the fetch: the loader's deadline ends it, however the source answers.
			return flight.result().get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.snapshot;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("a fetch always completes with a snapshot", ex);
		}
	}

	/** Starts a fetch on the executor unless one is under way or not wanted; never waits. */
	private void fetchInBackground(Instant requestedAt, long seen) {
		Flight flight = flight(requestedAt, seen);
		if (flight.owned()) {
			try {
				this.executor.execute(() -> load(flight.result()));
			}
			catch (RejectedExecutionException ex) {
				// The executor is shutting down: nobody will run this fetch, so whoever joined it gets what is in force.
				end(flight.result(), this.snapshot);
			}
		}
	}

	/**
	 * Joins the fetch under way; else starts one, unless a fetch finished since the caller looked ({@code seen}) or
	 * the last failure is too recent, in which case the result is the snapshot in force.
	 */
	private Flight flight(Instant requestedAt, long seen) {
		this.lock.lock();
		try {
			if (this.inFlight != null) {
				return new Flight(this.inFlight, false);
			}
			Snapshot current = this.snapshot;
			if (this.generation != seen) {
				return new Flight(CompletableFuture.completedFuture(current), false);
			}
			Instant attempt = this.lastAttempt;
			if (this.lastError != null && attempt != null && requestedAt.isBefore(attempt.plus(this.policy.retryInterval()))) {
				return new Flight(CompletableFuture.completedFuture(current), false); // do not hammer a failing issuer
			}
			this.lastAttempt = requestedAt;
			this.inFlight = new CompletableFuture<>();
			return new Flight(this.inFlight, true);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Runs the fetch of a flight this thread owns, outside the lock, and hands its outcome to every waiter. */
	private void load(CompletableFuture<Snapshot> flight) {
		Snapshot current = this.snapshot;
		Snapshot result = current;
		try {
			Loaded loaded = this.loader.load();
			Instant fetchedAt = this.clock.instant();
			// Unchanged keys keep their snapshot object: what was verified with them stays valid.
			KeySet keys = (current != null && current.keys().equals(loaded.keys())) ? current.keys() : loaded.keys();
			Snapshot next = new Snapshot(keys, fetchedAt, fetchedAt.plus(refreshDelay(loaded)));
			if (current == null || !current.keys().equals(loaded.keys())) {
				// kids come from the issuer: never raw into a log line.
				logger.info("Keys of {} {}: kids {}", this.name, (current == null) ? "loaded" : "changed",
						LogText.safe(loaded.keys().keyIds()));
			}
			if (this.lastError != null) {
				logger.info("Keys of {} fetched again after failures", this.name);
			}
			this.lastError = null;
			this.snapshot = next;
			result = next;
		}
		catch (IOException | RuntimeException ex) {
			String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			if (!message.equals(this.lastError)) {
				logger.warn("Fetching the keys of {} failed; {}: {}", this.name,
						(current == null) ? "none in use" : "keys of " + current.fetchedAt() + " still in use",
						LogText.safe(message));
			}
			this.lastError = message;
		}
		finally {
			end(flight, result);
		}
	}

	@SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock only; volatile for the lock-free readers
	private void end(CompletableFuture<Snapshot> flight, Snapshot result) {
		this.lock.lock();
		try {
			// After the snapshot is published: whoever reads the new generation also finds the new snapshot.
			this.generation++;
			this.inFlight = null;
		}
		finally {
			this.lock.unlock();
		}
		flight.complete(result);
	}

	private Duration refreshDelay(Loaded loaded) {
		Duration hint = loaded.refreshHint().orElse(this.policy.refreshInterval());
		// A refresh hint is a suggestion (SPIFFE bundle §4.1.2): kept within sane bounds.
		if (hint.compareTo(this.policy.minRefetchInterval()) < 0) {
			return this.policy.minRefetchInterval();
		}
		return (hint.compareTo(this.policy.refreshInterval()) > 0) ? this.policy.refreshInterval() : hint;
	}

	private String lastErrorSuffix() {
		return (this.lastError != null) ? "; last error: " + this.lastError : "";
	}

	/**
	 * Fetches and parses one version of the keys. A load must end within a bounded time, as callers wait for it:
	 * remote loaders are bounded by {@link HttpFetcher}'s deadline.
	 */
	@FunctionalInterface
	public interface Loader {

		/**
		 * @return the keys, with the source's refresh hint if it gives one
		 * @throws IOException when the keys cannot be fetched
		 * @throws TrustConfigurationException when what was fetched is not acceptable
		 */
		Loaded load() throws IOException;

	}

	/**
	 * One fetched version of the keys.
	 *
	 * @param keys the keys
	 * @param refreshHint when to fetch again, if the source says
	 */
	public record Loaded(KeySet keys, Optional<Duration> refreshHint) {
	}

	/**
	 * How remote keys are kept fresh.
	 *
	 * @param refreshInterval how old keys may get before a background refresh
	 * @param minRefetchInterval the least time between two fetches for an unknown {@code kid}
	 * @param retryInterval the least time between a failed fetch and the next attempt
	 * @param maxStale how old the last good keys may get during an outage before the source fails closed
	 */
	public record RefreshPolicy(Duration refreshInterval, Duration minRefetchInterval, Duration retryInterval,
			Duration maxStale) {

		/** Refresh every 10 minutes, refetch for an unknown kid at most every 30 s, retry after 10 s, last 6 h. */
		public static RefreshPolicy defaults() {
			return new RefreshPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(10),
					Duration.ofHours(6));
		}

	}

	/** A fetch to wait for, and whether the caller that asked for it is the one to run it. */
	private record Flight(CompletableFuture<Snapshot> result, boolean owned) {
	}

	private record Snapshot(KeySet keys, Instant fetchedAt, Instant refreshAt) {

		boolean usableAt(Instant now, Duration maxStale) {
			return now.isBefore(this.fetchedAt.plus(maxStale));
		}

	}

}

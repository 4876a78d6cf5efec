package dev.writ.trust;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.jspecify.annotations.Nullable;

import dev.writ.audit.LogText;
import dev.writ.error.Failures;
import dev.writ.gate.ComputeGate;

/**
 * The fetching half of {@link RemoteKeys}: runs its loader single-flight and keeps the
 * last good keys. Concurrent callers wait for the one fetch under way instead of starting
 * their own, for no longer than that fetch takes (the loader's own deadline bounds it);
 * no lock is held while it runs; after a failure the next attempt waits the policy's
 * {@code retryInterval}. When to fetch is {@link RemoteKeys}'s to decide.
 */
final class KeyFetcher {

	// RemoteKeys's log lines, as they were before the fetching had a class of its own.
	private static final Logger logger = LoggerFactory.getLogger(RemoteKeys.class);

	private final String name;

	private final RemoteKeys.Loader loader;

	private final RemoteKeys.RefreshPolicy policy;

	private final Clock clock;

	private final Executor executor;

	// Guards starting and ending a fetch, never the fetch itself: a caller takes it only
	// to decide whether to start
	// one, join the one under way or do neither.
	private final ReentrantLock lock = new ReentrantLock();

	// The fetch under way, if any; guarded by the lock.
	private @Nullable CompletableFuture<Snapshot> inFlight;

	private volatile @Nullable Snapshot snapshot;

	private volatile @Nullable Instant lastAttempt;

	private volatile @Nullable String lastError;

	// Counts finished fetch attempts: a caller that saw generation g and finds g+1 knows
	// a fetch finished since it
	// looked (single flight), without comparing clock readings.
	private volatile long generation;

	KeyFetcher(String name, RemoteKeys.Loader loader, RemoteKeys.RefreshPolicy policy, Clock clock, Executor executor) {
		this.name = name;
		this.loader = loader;
		this.policy = policy;
		this.clock = clock;
		this.executor = executor;
	}

	/** The last good keys, or null before the first successful fetch. */
	@Nullable Snapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * How many fetch attempts have finished; read before {@link #snapshot()} to pass as
	 * {@code seen}.
	 */
	long generation() {
		return this.generation;
	}

	/** When the last fetch started, or null before the first. */
	@Nullable Instant lastAttempt() {
		return this.lastAttempt;
	}

	/** Why the last fetch failed, or null if it succeeded. */
	@Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Fetches in the caller's thread, or waits for the fetch under way; returns the
	 * snapshot then in force.
	 */
	@Nullable Snapshot fetchNow(Instant requestedAt, long seen) {
		Flight flight = flight(requestedAt, seen);
		if (!flight.owned() && flight.result().isDone()) {
			return join(flight); // nothing to wait for
		}
		// The request's turn to compute goes to another while it waits on the issuer.
		return ComputeGate.whileWaiting(() -> {
			if (flight.owned()) {
				load(flight.result());
			}
			return Optional.ofNullable(join(flight));
		}).orElse(null);
	}

	private @Nullable Snapshot join(Flight flight) {
		try {
			// Unbounded here, bounded by the fetch: the loader's deadline ends it,
			// however the source answers.
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

	/**
	 * Starts a fetch on the executor unless one is under way or not wanted; never waits.
	 */
	void fetchInBackground(Instant requestedAt, long seen) {
		Flight flight = flight(requestedAt, seen);
		if (flight.owned()) {
			try {
				this.executor.execute(() -> load(flight.result()));
			}
			catch (RejectedExecutionException ex) {
				// The executor is shutting down: nobody will run this fetch, so whoever
				// joined it gets what is in force.
				end(flight.result(), this.snapshot);
			}
		}
	}

	/**
	 * Joins the fetch under way; else starts one, unless a fetch finished since the
	 * caller looked ({@code seen}) or the last failure is too recent, in which case the
	 * result is the snapshot in force.
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
			// Do not hammer a failing issuer: the snapshot in force until the retry
			// interval passes.
			if (this.lastError != null && attempt != null
					&& requestedAt.isBefore(attempt.plus(this.policy.retryInterval()))) {
				return new Flight(CompletableFuture.completedFuture(current), false);
			}
			this.lastAttempt = requestedAt;
			this.inFlight = new CompletableFuture<>();
			return new Flight(this.inFlight, true);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Runs the fetch of a flight this thread owns, outside the lock, and hands its
	 * outcome to every waiter.
	 */
	private void load(CompletableFuture<Snapshot> flight) {
		Snapshot current = this.snapshot;
		Snapshot result = current;
		try {
			RemoteKeys.Loaded loaded = this.loader.load();
			Instant fetchedAt = this.clock.instant();
			// Unchanged keys keep their snapshot object: what was verified with them
			// stays valid.
			KeySet keys = (current != null && current.keys().equals(loaded.keys())) ? current.keys() : loaded.keys();
			Snapshot next = new Snapshot(keys, fetchedAt,
					fetchedAt.plus(this.policy.refreshDelay(loaded.refreshHint())));
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
			String message = Failures.message(ex);
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

	@SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock only; volatile
													// for the lock-free readers
	private void end(CompletableFuture<Snapshot> flight, @Nullable Snapshot result) {
		this.lock.lock();
		try {
			// After the snapshot is published: whoever reads the new generation also
			// finds the new snapshot.
			this.generation++;
			this.inFlight = null;
		}
		finally {
			this.lock.unlock();
		}
		flight.complete(result);
	}

	/**
	 * A fetch to wait for, and whether the caller that asked for it is the one to run it.
	 */
	private record Flight(CompletableFuture<Snapshot> result, boolean owned) {
	}

	/** One version of the keys: when it was fetched, and when it is due for a refresh. */
	record Snapshot(KeySet keys, Instant fetchedAt, Instant refreshAt) {

		boolean usableAt(Instant now, Duration maxStale) {
			return now.isBefore(this.fetchedAt.plus(maxStale));
		}

	}

}

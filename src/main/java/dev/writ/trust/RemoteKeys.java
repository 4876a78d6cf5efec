package dev.writ.trust;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import dev.writ.trust.KeyFetcher.Snapshot;

/**
 * Keys fetched from an issuer or bundle endpoint and kept fresh, failing closed:
 * <ul>
 * <li>the first use fetches; later uses are served from the last good keys;</li>
 * <li>when the keys are older than the refresh interval (or the bundle's refresh hint), a
 * use triggers a refresh in the background and is served at once (refresh-ahead);</li>
 * <li>a {@code kid} not among the keys triggers a fetch in the foreground, at most once
 * per {@code minRefetchInterval} (key rotation is picked up at once, an unknown-kid flood
 * costs one fetch);</li>
 * <li>fetches are single-flight: concurrent callers wait for the one fetch under way
 * instead of starting their own, for no longer than that fetch takes (the loader's own
 * deadline bounds it); no lock is held while it runs; after a failure the next attempt
 * waits {@code retryInterval};</li>
 * <li>through an outage the last good keys stay in use until they are {@code maxStale}
 * old; after that the source is down and its tokens are refused, until a fetch succeeds
 * again.</li>
 * </ul>
 * This class decides when to fetch and how healthy the source is; {@link KeyFetcher} runs
 * the fetches.
 */
public final class RemoteKeys implements KeyProvider {

	private final RefreshPolicy policy;

	private final Clock clock;

	private final KeyFetcher fetcher;

	private volatile @Nullable Instant lastUnknownKidFetch;

	/**
	 * @param name what the keys belong to, for logs and errors
	 * @param loader fetches and parses the keys
	 * @param policy the timing
	 * @param clock the clock
	 * @param executor runs background refreshes
	 */
	public RemoteKeys(String name, Loader loader, RefreshPolicy policy, Clock clock, Executor executor) {
		Objects.requireNonNull(name, "name cannot be null");
		Objects.requireNonNull(loader, "loader cannot be null");
		this.policy = Objects.requireNonNull(policy, "policy cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		Objects.requireNonNull(executor, "executor cannot be null");
		this.fetcher = new KeyFetcher(name, loader, policy, clock, executor);
	}

	@Override
	public KeySet keys(@Nullable String kid) {
		Instant now = this.clock.instant();
		long seen = this.fetcher.generation();
		Snapshot current = this.fetcher.snapshot();
		if (current == null || !current.usableAt(now, this.policy.maxStale())) {
			current = this.fetcher.fetchNow(now, seen);
			if (current == null || !current.usableAt(now, this.policy.maxStale())) {
				throw new KeysUnavailableException((current == null) ? "no keys fetched yet" + lastErrorSuffix()
						: "keys older than " + this.policy.maxStale() + lastErrorSuffix());
			}
			return current.keys();
		}
		if (kid != null && current.keys().get(kid) == null && mayFetchForUnknownKid(now)) {
			this.lastUnknownKidFetch = now;
			Snapshot fetched = this.fetcher.fetchNow(now, seen);
			return (fetched != null) ? fetched.keys() : current.keys();
		}
		if (!now.isBefore(current.refreshAt())) {
			this.fetcher.fetchInBackground(now, seen);
		}
		return current.keys();
	}

	/**
	 * Starts a refresh on the executor if one is due and none is under way, and returns
	 * at once: a scheduler that calls this for every source is held up by none of them,
	 * and one slow source delays no other.
	 */
	public void refreshIfDue() {
		Instant now = this.clock.instant();
		long seen = this.fetcher.generation();
		Snapshot current = this.fetcher.snapshot();
		if (current == null || !now.isBefore(current.refreshAt())) {
			this.fetcher.fetchInBackground(now, seen);
		}
	}

	@Override
	public SourceHealth health() {
		Snapshot current = this.fetcher.snapshot();
		Instant now = this.clock.instant();
		Optional<Instant> success = Optional.ofNullable(current).map(Snapshot::fetchedAt);
		Optional<String> error = Optional.ofNullable(this.fetcher.lastError());
		if (current == null) {
			return new SourceHealth(
					(this.fetcher.lastAttempt() == null) ? SourceHealth.State.UNKNOWN : SourceHealth.State.DOWN,
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

	private String lastErrorSuffix() {
		String lastError = this.fetcher.lastError();
		return (lastError != null) ? "; last error: " + lastError : "";
	}

	/**
	 * Fetches and parses one version of the keys. A load must end within a bounded time,
	 * as callers wait for it: remote loaders are bounded by {@link HttpFetcher}'s
	 * deadline.
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
	 * @param minRefetchInterval the least time between two fetches for an unknown
	 * {@code kid}
	 * @param retryInterval the least time between a failed fetch and the next attempt
	 * @param maxStale how old the last good keys may get during an outage before the
	 * source fails closed
	 */
	public record RefreshPolicy(Duration refreshInterval, Duration minRefetchInterval, Duration retryInterval,
			Duration maxStale) {

		/**
		 * Refresh every 10 minutes, refetch for an unknown kid at most every 30 s, retry
		 * after 10 s, last 6 h.
		 */
		public static RefreshPolicy defaults() {
			return new RefreshPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(10),
					Duration.ofHours(6));
		}

		/**
		 * How long fetched keys serve before a refresh: the source's hint if it gives
		 * one, within sane bounds.
		 */
		Duration refreshDelay(Optional<Duration> refreshHint) {
			Duration hint = refreshHint.orElse(this.refreshInterval);
			// A refresh hint is a suggestion (SPIFFE bundle §4.1.2): kept within sane
			// bounds.
			if (hint.compareTo(this.minRefetchInterval) < 0) {
				return this.minRefetchInterval;
			}
			return (hint.compareTo(this.refreshInterval) > 0) ? this.refreshInterval : hint;
		}

	}

}

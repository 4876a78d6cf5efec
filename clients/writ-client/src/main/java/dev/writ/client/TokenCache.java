package dev.writ.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One token per {@link TokenRequest}, with at most one exchange in flight for it however
 * many threads ask:
 * <ul>
 * <li>a token is handed out as it is until its refresh time, between 60% and 75% of its
 * life (jittered, so that a fleet started together does not refresh together);</li>
 * <li>from then on, callers still get it at once while one exchange runs in the
 * background;</li>
 * <li>a token is no longer handed out in the last tenth of its life (at most 30 s), so it
 * does not expire on its way to a resource server; callers then wait for the
 * exchange;</li>
 * <li>after a failed exchange the next waits {@code Retry-After} if Writ gave one, else a
 * jittered exponential backoff from 1 s to 30 s; a still-usable token is served
 * meanwhile, and without one, callers get the failure again without a request.</li>
 * </ul>
 */
final class TokenCache implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger("dev.writ.client");

	static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	private static final long MAX_MARGIN = Duration.ofSeconds(30).toNanos();

	private final ConcurrentHashMap<TokenRequest, Entry> entries = new ConcurrentHashMap<>();

	private final Function<TokenRequest, TokenEndpoint.Received> exchange;

	private final ExecutorService exchanges;

	private final Duration wait;

	/**
	 * @param wait the longest a caller waits for an exchange in flight: more than the
	 * exchange's own timeouts, which end it first
	 */
	TokenCache(Function<TokenRequest, TokenEndpoint.Received> exchange, Duration wait) {
		this.exchange = exchange;
		this.wait = wait;
		this.exchanges = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "writ-client-exchange");
			thread.setDaemon(true);
			return thread;
		});
	}

	AccessToken get(TokenRequest request) {
		return this.entries.computeIfAbsent(request, Entry::new).get();
	}

	@Override
	public void close() {
		this.exchanges.shutdownNow();
	}

	/** What is held for a token: it, and when to refresh it and stop handing it out. */
	private record Held(AccessToken token, long refreshAt, long usableUntil) {

		static Held of(TokenEndpoint.Received received) {
			long life = received.lifetimeNanos();
			long refreshAt = received.sentNanos() + (long) (life * ThreadLocalRandom.current().nextDouble(0.60, 0.75));
			long usableUntil = received.sentNanos() + life - Math.min(life / 10, MAX_MARGIN);
			return new Held(received.token(), refreshAt, usableUntil);
		}

	}

	private final class Entry {

		private final TokenRequest request;

		private volatile @Nullable Held held;

		// The rest is guarded by this.
		private @Nullable CompletableFuture<Held> inFlight;

		private @Nullable WritClientException failure;

		private int failures;

		private long notBefore = System.nanoTime();

		Entry(TokenRequest request) {
			this.request = request;
		}

		AccessToken get() {
			Held current = this.held;
			if (current != null && System.nanoTime() - current.refreshAt() < 0) {
				return current.token();
			}
			CompletableFuture<Held> pending;
			synchronized (this) {
				current = this.held;
				long now = System.nanoTime();
				if (current != null && now - current.usableUntil() < 0) {
					if (this.inFlight == null && now - this.notBefore >= 0) {
						start();
					}
					return current.token();
				}
				if (this.inFlight == null) {
					WritClientException failure = this.failure;
					if (failure != null && now - this.notBefore < 0) {
						throw failure.again();
					}
					start();
				}
				pending = this.inFlight;
			}
			return await(pending);
		}

		private AccessToken await(@Nullable CompletableFuture<Held> pending) {
			if (pending == null) {
				throw new IllegalStateException("no exchange in flight");
			}
			try {
				return pending.get(TokenCache.this.wait.toMillis(), TimeUnit.MILLISECONDS).token();
			}
			catch (ExecutionException ex) {
				// Every exchange ends in a token or a WritClientException.
				throw ((WritClientException) Objects.requireNonNull(ex.getCause())).again();
			}
			catch (TimeoutException ex) {
				throw WritClientException.local(WritClientException.UNREACHABLE,
						"no token from Writ in " + TokenCache.this.wait.toMillis() + " ms", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw WritClientException.local(WritClientException.UNREACHABLE,
						"interrupted while waiting for a token", ex);
			}
		}

		// Called holding this.
		private void start() {
			CompletableFuture<Held> pending = new CompletableFuture<>();
			this.inFlight = pending;
			try {
				TokenCache.this.exchanges.execute(() -> exchange(pending));
			}
			catch (RejectedExecutionException ex) {
				this.inFlight = null;
				throw new IllegalStateException("the Writ client is closed", ex);
			}
		}

		private void exchange(CompletableFuture<Held> pending) {
			Held fresh;
			try {
				fresh = Held.of(TokenCache.this.exchange.apply(this.request));
			}
			catch (WritClientException ex) {
				failed(ex);
				pending.completeExceptionally(ex);
				return;
			}
			catch (RuntimeException ex) {
				WritClientException failure = WritClientException.local(WritClientException.INVALID_RESPONSE,
						"the exchange failed: " + ex.getClass().getSimpleName(), ex);
				failed(failure);
				pending.completeExceptionally(failure);
				return;
			}
			synchronized (this) {
				this.held = fresh;
				this.failure = null;
				this.failures = 0;
				this.inFlight = null;
			}
			LOG.log(Level.DEBUG,
					() -> "token for " + this.request + " refreshed, expires " + fresh.token().expiresAt());
			pending.complete(fresh);
		}

		private void failed(WritClientException ex) {
			Held current;
			Duration backoff;
			synchronized (this) {
				this.failures++;
				backoff = ex.retryAfter().orElseGet(() -> backoff(this.failures));
				this.notBefore = System.nanoTime() + backoff.toNanos();
				this.failure = ex;
				this.inFlight = null;
				current = this.held;
			}
			if (current != null && System.nanoTime() - current.usableUntil() < 0) {
				LOG.log(Level.WARNING,
						() -> "cannot refresh the token for " + this.request + ": " + ex.getMessage()
								+ "; the current one is used until " + current.token().expiresAt() + ", next try in "
								+ backoff.toMillis() + " ms");
			}
		}

	}

	/**
	 * 1 s, 2 s, 4 s, ... up to 30 s after the n-th failure in a row, each between half
	 * and all of it.
	 */
	static Duration backoff(int failures) {
		long full = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(failures - 1, 16));
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(full / 2, full + 1));
	}

}

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
 * <li>after a failed exchange the next waits a jittered exponential backoff from 1 s to
 * 30 s, or {@code Retry-After} if Writ asked for longer; a still-usable token is served
 * meanwhile, and without one, callers get the failure again without a request;</li>
 * <li>an exchange that has not ended within the callers' wait (an identity source that
 * hangs) is given up: its callers get {@code unreachable}, and the next call starts
 * another.</li>
 * </ul>
 * At most {@link #MAX_ENTRIES} requests are held; past that, those with no token fit to
 * hand out and no exchange in flight are dropped.
 */
final class TokenCache implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger("dev.writ.client");

	static final int MAX_ENTRIES = 1024;

	private final ConcurrentHashMap<TokenRequest, Entry> entries = new ConcurrentHashMap<>();

	private final Function<TokenRequest, TokenEndpoint.Received> exchange;

	private final ExecutorService exchanges;

	private final Duration wait;

	private volatile boolean closed;

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
		if (this.closed) {
			throw new IllegalStateException("the Writ client is closed");
		}
		Entry entry = this.entries.get(request);
		if (entry == null) {
			if (this.entries.size() >= MAX_ENTRIES) {
				prune();
			}
			entry = this.entries.computeIfAbsent(request, Entry::new);
		}
		return entry.get();
	}

	/**
	 * Drops what holds no token fit to hand out and waits for no exchange; refuses past
	 * the cap.
	 */
	private void prune() {
		long now = System.nanoTime();
		this.entries.values().removeIf((entry) -> entry.idle(now));
		if (this.entries.size() >= MAX_ENTRIES) {
			throw new IllegalStateException("more than " + MAX_ENTRIES
					+ " audiences and sets of scopes in use at once: is an audience built from input?");
		}
	}

	int size() {
		return this.entries.size();
	}

	@Override
	public void close() {
		this.closed = true;
		this.exchanges.shutdownNow();
	}

	private final class Entry {

		private final TokenRequest request;

		private volatile Schedule.@Nullable Held held;

		// The rest is guarded by this.
		private @Nullable CompletableFuture<Schedule.Held> inFlight;

		private long inFlightSince;

		// Which exchange is the one in flight: one given up as hung no longer decides.
		private long generation;

		private @Nullable WritClientException failure;

		private int failures;

		private long notBefore = System.nanoTime();

		Entry(TokenRequest request) {
			this.request = request;
		}

		AccessToken get() {
			Schedule.Held current = this.held;
			if (current != null && System.nanoTime() - current.refreshAt() < 0) {
				return current.token();
			}
			CompletableFuture<Schedule.Held> pending;
			synchronized (this) {
				current = this.held;
				long now = System.nanoTime();
				abandonIfHung(now);
				if (current != null && now - current.usableUntil() < 0) {
					if (this.inFlight == null && now - this.notBefore >= 0) {
						start(now);
					}
					return current.token();
				}
				if (this.inFlight == null) {
					WritClientException failure = this.failure;
					if (failure != null && now - this.notBefore < 0) {
						throw failure.again();
					}
					start(now);
				}
				pending = Objects.requireNonNull(this.inFlight);
			}
			return await(pending);
		}

		/**
		 * Whether it holds nothing worth keeping: no token fit to hand out, no exchange.
		 */
		synchronized boolean idle(long now) {
			Schedule.Held current = this.held;
			return this.inFlight == null && (current == null || now - current.usableUntil() >= 0);
		}

		// Holding this: an exchange in flight for longer than callers wait has hung.
		private void abandonIfHung(long now) {
			CompletableFuture<Schedule.Held> pending = this.inFlight;
			if (pending != null && now - this.inFlightSince > TokenCache.this.wait.toNanos()) {
				WritClientException hung = WritClientException.local(WritClientException.UNREACHABLE,
						"no token from Writ in " + TokenCache.this.wait.toMillis() + " ms", null);
				this.inFlight = null;
				this.failure = hung;
				this.notBefore = now;
				pending.completeExceptionally(hung);
			}
		}

		private AccessToken await(CompletableFuture<Schedule.Held> pending) {
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

		// Holding this.
		private void start(long now) {
			CompletableFuture<Schedule.Held> pending = new CompletableFuture<>();
			this.inFlight = pending;
			this.inFlightSince = now;
			long generation = ++this.generation;
			try {
				TokenCache.this.exchanges.execute(() -> exchange(pending, generation));
			}
			catch (RejectedExecutionException ex) {
				this.inFlight = null;
				throw new IllegalStateException("the Writ client is closed", ex);
			}
		}

		private void exchange(CompletableFuture<Schedule.Held> pending, long generation) {
			Schedule.Held fresh;
			try {
				fresh = Schedule.Held.of(TokenCache.this.exchange.apply(this.request));
			}
			catch (WritClientException ex) {
				failed(pending, generation, ex);
				return;
			}
			catch (RuntimeException | Error ex) {
				// Whatever went wrong, the exchange ends: its callers are answered.
				failed(pending, generation, WritClientException.local(WritClientException.INVALID_RESPONSE,
						"the exchange failed: " + ex.getClass().getName(), ex));
				return;
			}
			synchronized (this) {
				if (this.inFlight == null || this.generation != generation) {
					// Given up as hung meanwhile; a later exchange decides.
					return;
				}
				this.held = fresh;
				this.failure = null;
				this.failures = 0;
				this.inFlight = null;
			}
			pending.complete(fresh);
			LOG.log(Level.DEBUG,
					() -> "token for " + this.request + " refreshed, expires " + fresh.token().expiresAt());
		}

		private void failed(CompletableFuture<Schedule.Held> pending, long generation, WritClientException ex) {
			Schedule.Held current;
			Duration backoff;
			synchronized (this) {
				if (this.inFlight == null || this.generation != generation) {
					return;
				}
				this.failures++;
				backoff = Schedule.nextTry(ex, this.failures);
				this.notBefore = System.nanoTime() + backoff.toNanos();
				this.failure = ex;
				this.inFlight = null;
				current = this.held;
			}
			pending.completeExceptionally(ex);
			if (current != null && System.nanoTime() - current.usableUntil() < 0) {
				LOG.log(Level.WARNING,
						() -> "cannot refresh the token for " + this.request + ": " + ex.getMessage()
								+ "; the current one is used until " + current.token().expiresAt() + ", next try in "
								+ backoff.toMillis() + " ms");
			}
		}

	}

}

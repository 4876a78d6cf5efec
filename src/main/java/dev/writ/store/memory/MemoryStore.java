package dev.writ.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.writ.store.Expiry;
import dev.writ.store.Lease;
import dev.writ.store.Store;
import dev.writ.store.StoreUnavailableException;

/**
 * The store of a single Writ node, in memory, with exactly Redis's semantics: an entry
 * expires {@code ttl} after it is set ({@code PX}), by the injected clock. Bounded: past
 * {@code maxEntries} live entries it refuses new ones rather than forget old ones
 * (forgetting a one-time token would let it be replayed). Its leases are lost when the
 * process ends: docs/credentials.md says what a node's start-up does about their
 * credentials.
 */
public final class MemoryStore implements Store {

	private final Clock clock;

	private final int maxEntries;

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

	// Apart from the entries: a lease never expires on its own.
	private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

	private final AtomicInteger writes = new AtomicInteger();

	private final AtomicBoolean purging = new AtomicBoolean();

	public MemoryStore(Clock clock, int maxEntries) {
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be positive");
		}
		this.maxEntries = maxEntries;
	}

	@Override
	public String kind() {
		return "memory";
	}

	@Override
	public void ping() {
	}

	@Override
	public boolean firstUse(String key, Duration ttl) {
		long now = now();
		Entry known = this.entries.get("replay:" + key);
		if (known != null && known.expiresAt() > now) {
			return false; // a replay is recognised even when the store is full
		}
		ensureRoom(now);
		AtomicBoolean first = new AtomicBoolean();
		this.entries.compute("replay:" + key, (k, existing) -> {
			if (existing != null && existing.expiresAt() > now) {
				return existing;
			}
			first.set(true);
			return new Entry(1, now + Expiry.millis(ttl));
		});
		return first.get();
	}

	@Override
	public boolean used(String key) {
		Entry known = this.entries.get("replay:" + key);
		return known != null && known.expiresAt() > now();
	}

	@Override
	public void revoke(String key, long value, Duration ttl) {
		long now = now();
		Entry known = this.entries.get("revoked:" + key);
		if (known == null || known.expiresAt() <= now) {
			ensureRoom(now);
		}
		long expiresAt = now + Expiry.millis(ttl);
		this.entries.compute("revoked:" + key, (k, existing) -> {
			if (existing == null || existing.expiresAt() <= now) {
				return new Entry(value, expiresAt);
			}
			return new Entry(Math.max(existing.value(), value), Math.max(existing.expiresAt(), expiresAt));
		});
	}

	@Override
	public Map<String, Long> lookup(List<String> keys) {
		long now = now();
		Map<String, Long> found = new LinkedHashMap<>();
		for (String key : keys) {
			Entry entry = this.entries.get("revoked:" + key);
			if (entry != null && entry.expiresAt() > now) {
				found.put(key, entry.value());
			}
		}
		return found;
	}

	@Override
	public Optional<Duration> acquire(String key, int limit, Duration window) {
		long now = now();
		if (this.windows.size() >= this.maxEntries && !this.windows.containsKey(key)) {
			purge(now);
			if (this.windows.size() >= this.maxEntries) {
				throw new StoreUnavailableException(
						"the memory store is full (" + this.maxEntries + " rate-limit keys)");
			}
		}
		Window counted = this.windows.computeIfAbsent(key, (k) -> new Window());
		synchronized (counted) {
			long windowMillis = Expiry.millis(window);
			while (!counted.times.isEmpty() && counted.times.peekFirst() <= now - windowMillis) {
				counted.times.pollFirst();
			}
			counted.expiresAt = now + windowMillis;
			if (counted.times.size() < limit) {
				counted.times.addLast(now);
				return Optional.empty();
			}
			return Optional.of(Duration.ofMillis(counted.times.peekFirst() + windowMillis - now));
		}
	}

	@Override
	public void recordLease(Lease lease) {
		if (!this.leases.containsKey(lease.id()) && this.leases.size() >= MAX_LEASES) {
			throw new StoreUnavailableException("the memory store is full (" + MAX_LEASES + " leases)");
		}
		this.leases.put(lease.id(), lease);
	}

	@Override
	public List<Lease> leases() {
		return List.copyOf(this.leases.values());
	}

	@Override
	public Optional<Lease> lease(String id) {
		return Optional.ofNullable(this.leases.get(id));
	}

	@Override
	public void forgetLease(String id) {
		this.leases.remove(id);
	}

	/** Live entries and rate-limit windows, for tests and metrics. */
	public int size() {
		return this.entries.size() + this.windows.size();
	}

	private void ensureRoom(long now) {
		if (this.writes.incrementAndGet() % 1024 == 0 || this.entries.size() >= this.maxEntries) {
			purge(now);
		}
		if (this.entries.size() >= this.maxEntries) {
			throw new StoreUnavailableException("the memory store is full (" + this.maxEntries + " entries)");
		}
	}

	private void purge(long now) {
		if (this.purging.compareAndSet(false, true)) {
			try {
				this.entries.values().removeIf((entry) -> entry.expiresAt() <= now);
				this.windows.values().removeIf((w) -> {
					synchronized (w) {
						return w.expiresAt <= now;
					}
				});
			}
			finally {
				this.purging.set(false);
			}
		}
	}

	private long now() {
		return this.clock.millis();
	}

	private record Entry(long value, long expiresAt) {
	}

	private static final class Window {

		private final ArrayDeque<Long> times = new ArrayDeque<>();

		private long expiresAt;

	}

}

package dev.writ.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import dev.writ.gate.ComputeGate;
import dev.writ.store.Expiry;
import dev.writ.store.Lease;
import dev.writ.store.Store;
import dev.writ.store.StoreUnavailableException;

/**
 * The store of a Writ fleet, on Redis: every node sees every use, revocation and request.
 * Every call is bounded by the client's command timeout; a Redis that is down, slow or
 * refusing answers {@link StoreUnavailableException} and the caller fails closed.
 */
public final class RedisStore implements Store, AutoCloseable {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(RedisStore.class);

	private static final String PREFIX = "writ:";

	// Keeps the larger value and the longer life: a revocation is only ever widened. It
	// always writes, so that a WAIT after it covers an earlier write of the same key on
	// another connection (a repeated revocation is acknowledged too).
	private static final String REVOKE_SCRIPT = """
			local current = redis.call('GET', KEYS[1])
			local value = ARGV[1]
			if current and tonumber(current) > tonumber(value) then value = current end
			local keep = tonumber(ARGV[2])
			local ttl = redis.call('PTTL', KEYS[1])
			if ttl > keep then keep = ttl end
			redis.call('SET', KEYS[1], value, 'PX', keep)
			return 1
			""";

	private static final RedisScript<Long> REVOKE = RedisScript.of(REVOKE_SCRIPT, Long.class);

	// A sliding window over a sorted set of request times (Writ's clock, so every node
	// counts alike):
	// -1 when allowed, else the milliseconds until the oldest counted request leaves the
	// window.
	private static final RedisScript<Long> ACQUIRE = RedisScript.of("""
			local now = tonumber(ARGV[1])
			local window = tonumber(ARGV[2])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
			if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
			  redis.call('ZADD', KEYS[1], now, ARGV[4])
			  redis.call('PEXPIRE', KEYS[1], window)
			  return -1
			end
			local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			return tonumber(oldest[2]) + window - now
			""", Long.class);

	// Every lease in one hash, one key: a Cluster keeps them in one slot. A lease has
	// no expiry in Redis; it is forgotten once its credential is gone.
	private static final String LEASES = PREFIX + "leases";

	private static final String RECORD_LEASE = """
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
			return 1
			""";

	private static final RedisScript<Long> RECORD = RedisScript.of(RECORD_LEASE, Long.class);

	private final StringRedisTemplate redis;

	private volatile int unreadable;

	private final Clock clock;

	private final Optional<ReplicatedWrites> replicated;

	/**
	 * A store whose writes need no replica's acknowledgement (a Redis without failover).
	 */
	public RedisStore(StringRedisTemplate redis, Clock clock) {
		this(redis, Optional.empty(), clock);
	}

	/**
	 * @param replicated how burns and revocations reach replicas before they count; empty
	 * for a Redis without failover
	 */
	public RedisStore(StringRedisTemplate redis, Optional<ReplicatedWrites> replicated, Clock clock) {
		this.redis = Objects.requireNonNull(redis, "redis cannot be null");
		this.replicated = Objects.requireNonNull(replicated, "replicated cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	@Override
	public String kind() {
		return "redis";
	}

	@Override
	public void ping() {
		call(() -> this.redis.execute((org.springframework.data.redis.core.RedisCallback<String>) (c) -> c.ping()));
	}

	@Override
	public boolean firstUse(String key, Duration ttl) {
		if (this.replicated.isPresent()) {
			ReplicatedWrites writes = this.replicated.get();
			return ComputeGate.whileWaiting(() -> writes.setIfAbsent(PREFIX + "replay:" + key, Expiry.millis(ttl)));
		}
		Boolean first = call(() -> this.redis.opsForValue()
			.setIfAbsent(PREFIX + "replay:" + key, "1", Duration.ofMillis(Expiry.millis(ttl))));
		return Boolean.TRUE.equals(first);
	}

	@Override
	public boolean used(String key) {
		return Boolean.TRUE.equals(call(() -> this.redis.hasKey(PREFIX + "replay:" + key)));
	}

	@Override
	public void revoke(String key, long value, Duration ttl) {
		if (this.replicated.isPresent()) {
			ReplicatedWrites writes = this.replicated.get();
			ComputeGate.whileWaiting(() -> writes.script(REVOKE_SCRIPT, PREFIX + "revoked:" + key, Long.toString(value),
					Long.toString(Expiry.millis(ttl))));
			return;
		}
		call(() -> this.redis.execute(REVOKE, List.of(PREFIX + "revoked:" + key), Long.toString(value),
				Long.toString(Expiry.millis(ttl))));
	}

	@Override
	public Map<String, Long> lookup(List<String> keys) {
		if (keys.isEmpty()) {
			return Map.of();
		}
		List<String> values = call(
				() -> this.redis.opsForValue().multiGet(keys.stream().map((k) -> PREFIX + "revoked:" + k).toList()));
		Map<String, Long> found = new LinkedHashMap<>();
		for (int i = 0; i < keys.size(); i++) {
			String value = (values != null) ? values.get(i) : null;
			if (value != null) {
				found.put(keys.get(i), Long.parseLong(value));
			}
		}
		return found;
	}

	@Override
	public Optional<Duration> acquire(String key, int limit, Duration window) {
		Long wait = call(() -> this.redis.execute(ACQUIRE, List.of(PREFIX + "rate:" + key),
				Long.toString(this.clock.millis()), Long.toString(Expiry.millis(window)), Integer.toString(limit),
				this.clock.millis() + ":" + UUID.randomUUID()));
		return (wait == null || wait < 0) ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(1, wait)));
	}

	@Override
	public void recordLease(Lease lease) {
		String encoded = LeaseCodec.encode(lease);
		if (!Boolean.TRUE.equals(call(() -> this.redis.opsForHash().hasKey(LEASES, lease.id())))
				&& call(() -> this.redis.opsForHash().size(LEASES)) >= MAX_LEASES) {
			throw new StoreUnavailableException("Redis holds " + MAX_LEASES + " leases already");
		}
		if (this.replicated.isPresent()) {
			ReplicatedWrites writes = this.replicated.get();
			ComputeGate.whileWaiting(() -> writes.script(RECORD_LEASE, LEASES, lease.id(), encoded));
			return;
		}
		call(() -> this.redis.execute(RECORD, List.of(LEASES), lease.id(), encoded));
	}

	@Override
	public List<Lease> leases() {
		Map<Object, Object> all = call(() -> this.redis.opsForHash().entries(LEASES));
		List<Lease> leases = new java.util.ArrayList<>(all.size());
		int unread = 0;
		for (Map.Entry<Object, Object> entry : all.entrySet()) {
			try {
				leases.add(LeaseCodec.decode(entry.getValue().toString()));
			}
			catch (StoreUnavailableException ex) {
				// Kept in Redis for an operator to look at; one bad entry stops no
				// reaper round.
				unread++;
			}
		}
		if (unread > 0 && this.unreadable != unread) {
			logger.error("Redis holds {} leases Writ cannot read, in {}", unread, LEASES);
		}
		this.unreadable = unread;
		return leases;
	}

	@Override
	public int unreadable() {
		return this.unreadable;
	}

	@Override
	public Optional<Lease> lease(String id) {
		Object value = call(() -> this.redis.opsForHash().get(LEASES, id));
		return Optional.ofNullable(value).map((v) -> LeaseCodec.decode(v.toString()));
	}

	@Override
	public void forgetLease(String id) {
		call(() -> this.redis.opsForHash().delete(LEASES, id));
	}

	/** Closes the connection of the acknowledged writes, if there is one. */
	@Override
	public void close() {
		this.replicated.ifPresent(ReplicatedWrites::close);
	}

	// Each command gives up the request's turn to compute while it waits on Redis.
	private static <T> T call(Supplier<T> command) {
		try {
			return ComputeGate.whileWaiting(command::get);
		}
		catch (RuntimeException ex) {
			// Spring's DataAccessException, or one Lettuce surfaces unwrapped (a closed
			// connection, a timeout).
			throw PrimaryConnections.unavailable(ex);
		}
	}

}

package dev.writ.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;

import dev.writ.store.StoreUnavailableException;

/**
 * The writes a failover must not undo — a one-time token's burn, a revocation — made so
 * that at least {@code replicas} replicas hold them before the caller goes on: on a
 * connection of Writ's own (never the one every other command shares, which a
 * {@code WAIT} would hold up), followed by {@code WAIT} with a bounded timeout.
 * <p>
 * {@code WAIT} counts the writes of the connection it is sent on. Should the connection
 * be re-established between the write and the {@code WAIT} (a failover does exactly
 * that), a {@code WAIT} on the new one would count nothing and answer at once. So the
 * connection's client id is read before the write and after the {@code WAIT}; if it
 * changed, or fewer replicas acknowledged than asked, the write is undone (best effort;
 * nothing was issued on it) and the call fails closed. After such a failure writes to
 * that primary are refused at once for a second, so that a lost replica costs each caller
 * nothing but a quick refusal, not a {@code WAIT} of its own; other primaries of a
 * Cluster go on.
 */
public final class ReplicatedWrites implements AutoCloseable {

	private static final Duration BACK_OFF = Duration.ofSeconds(1);

	private final Supplier<AbstractRedisClient> client;

	private final int replicas;

	private final long timeoutMillis;

	private final Clock clock;

	private final Object lock = new Object();

	// Per primary (its node id; "" for one primary): a lagging replica in one shard of a
	// Cluster holds up no other.
	private final Map<String, Long> refuseUntil = new ConcurrentHashMap<>();

	private StatefulRedisConnection<String, String> standalone;

	private StatefulRedisClusterConnection<String, String> cluster;

	/**
	 * @param client the Lettuce client of the store's connection factory (standalone,
	 * Sentinel or Cluster), asked for on the first write
	 * @param replicas how many replicas must acknowledge each write, at least 1
	 * @param timeout how long to wait for them
	 * @param clock the clock for the back-off
	 */
	public ReplicatedWrites(Supplier<AbstractRedisClient> client, int replicas, Duration timeout, Clock clock) {
		this.client = Objects.requireNonNull(client, "client cannot be null");
		if (replicas < 1) {
			throw new IllegalArgumentException("replicas must be at least 1");
		}
		this.replicas = replicas;
		this.timeoutMillis = Math.max(1, timeout.toMillis());
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/** How many replicas acknowledge each write. */
	public int replicas() {
		return this.replicas;
	}

	/**
	 * {@code SET key value NX PX millis}, acknowledged.
	 * @return whether the key was absent (and is now set, on the replicas too)
	 */
	boolean setIfAbsent(String key, String value, long millis) {
		return write(key, true, (redis) -> "OK".equals(redis.set(key, value, SetArgs.Builder.nx().px(millis))));
	}

	/**
	 * Runs a script on one key that answers 1 when it wrote, acknowledged if it did. Its
	 * write is not undone when the replicas do not acknowledge it: a revocation only ever
	 * widens, and taking one back could narrow an earlier one.
	 * @return whether it wrote
	 */
	boolean script(String script, String key, String... arguments) {
		return write(key, false, (redis) -> {
			Long result = redis.eval(script, ScriptOutputType.INTEGER, new String[] { key }, arguments);
			return (result != null && result == 1L);
		});
	}

	private boolean write(String key, boolean undoable, Function<RedisCommands<String, String>, Boolean> command) {
		Primary primary = primaryFor(key);
		if (this.clock.millis() < this.refuseUntil.getOrDefault(primary.id(), 0L)) {
			throw new StoreUnavailableException("Redis: replicas did not acknowledge a recent write");
		}
		RedisCommands<String, String> redis = primary.commands();
		long before;
		boolean wrote;
		try {
			before = redis.clientId();
			wrote = command.apply(redis);
		}
		catch (RuntimeException ex) {
			throw new StoreUnavailableException("Redis: " + ex.getClass().getSimpleName());
		}
		if (!wrote) {
			return false;
		}
		long acknowledged;
		long after;
		try {
			acknowledged = redis.waitForReplication(this.replicas, this.timeoutMillis);
			after = redis.clientId();
		}
		catch (RuntimeException ex) {
			undo(primary, undoable, key);
			throw new StoreUnavailableException("Redis: " + ex.getClass().getSimpleName());
		}
		if (acknowledged < this.replicas || after != before) {
			undo(primary, undoable, key);
			throw new StoreUnavailableException((after != before) ? "Redis: the connection changed during a write"
					: "Redis: " + acknowledged + " of " + this.replicas + " replicas acknowledged a write");
		}
		return true;
	}

	// Nothing was issued on a burn that is not acknowledged: taking it back lets the
	// caller try again. Should the undo fail, the key only stays burned longer.
	private void undo(Primary primary, boolean undoable, String key) {
		this.refuseUntil.put(primary.id(), this.clock.millis() + BACK_OFF.toMillis());
		if (!undoable) {
			return;
		}
		try {
			primary.commands().del(key);
		}
		catch (RuntimeException ex) {
			// fail closed either way
		}
	}

	private Primary primaryFor(String key) {
		try {
			synchronized (this.lock) {
				AbstractRedisClient client = this.client.get();
				if (client instanceof RedisClusterClient clusterClient) {
					if (this.cluster == null || !this.cluster.isOpen()) {
						this.cluster = clusterClient.connect(StringCodec.UTF8);
					}
					RedisClusterNode primary = this.cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
					if (primary == null) {
						throw new StoreUnavailableException("Redis: no primary serves the key's slot");
					}
					return new Primary(primary.getNodeId(), this.cluster.getConnection(primary.getNodeId()).sync());
				}
				if (this.standalone == null || !this.standalone.isOpen()) {
					this.standalone = ((RedisClient) client).connect(StringCodec.UTF8);
				}
				return new Primary("", this.standalone.sync());
			}
		}
		catch (StoreUnavailableException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new StoreUnavailableException("Redis: " + ex.getClass().getSimpleName());
		}
	}

	/** The primary serving a key, and the commands of Writ's own connection to it. */
	private record Primary(String id, RedisCommands<String, String> commands) {
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.standalone != null) {
				this.standalone.close();
			}
			if (this.cluster != null) {
				this.cluster.close();
			}
		}
	}

}

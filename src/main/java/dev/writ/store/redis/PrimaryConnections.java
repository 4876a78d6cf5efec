package dev.writ.store.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import org.jspecify.annotations.Nullable;

import dev.writ.store.StoreUnavailableException;

/**
 * Writ's own connections to the Redis primaries, for {@link ReplicatedWrites}: one to the
 * primary (standalone, Sentinel), or one Cluster connection whose node connections reach
 * the primary serving each key's slot. Each is made once, by whichever caller gets there
 * first (the others are refused at once rather than wait), and left to Lettuce to
 * re-establish when it drops. Each counts its connects and disconnects, so that a caller
 * can tell whether it stayed the same connection across two commands.
 */
final class PrimaryConnections implements AutoCloseable {

	private final Supplier<AbstractRedisClient> client;

	// The client, asked for once: a lookup per burn would be work on the exchange path.
	private volatile @Nullable AbstractRedisClient resolved;

	private final long timeoutMillis;

	private final ReentrantLock connecting = new ReentrantLock();

	// Connects and disconnects seen, per connection (by identity; a node connection the
	// Cluster connection drops is forgotten with it).
	private final Map<RedisChannelHandler<?, ?>, AtomicLong> generations = Collections
		.synchronizedMap(new WeakHashMap<>());

	private volatile @Nullable StatefulRedisConnection<String, String> standalone;

	private volatile @Nullable StatefulRedisClusterConnection<String, String> cluster;

	PrimaryConnections(Supplier<AbstractRedisClient> client, Duration timeout) {
		this.client = Objects.requireNonNull(client, "client cannot be null");
		this.timeoutMillis = Math.max(1, timeout.toMillis());
	}

	/** The primary serving a key, on Writ's own connection to it. */
	Primary primaryFor(String key) {
		try {
			AbstractRedisClient client = client();
			if (client instanceof RedisClusterClient clusterClient) {
				StatefulRedisClusterConnection<String, String> cluster = connection(() -> this.cluster,
						(made) -> this.cluster = made, () -> clusterClient.connect(StringCodec.UTF8));
				RedisClusterNode primary = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
				if (primary == null) {
					throw new StoreUnavailableException("Redis: no primary serves the key's slot");
				}
				StatefulRedisConnection<String, String> node = cluster.getConnectionAsync(primary.getNodeId())
					.get(this.timeoutMillis, TimeUnit.MILLISECONDS);
				return new Primary(primary.getNodeId(), node.sync(), generation(node));
			}
			StatefulRedisConnection<String, String> standalone = connection(() -> this.standalone,
					(made) -> this.standalone = made, () -> ((RedisClient) client).connect(StringCodec.UTF8));
			return new Primary("", standalone.sync(), generation(standalone));
		}
		catch (StoreUnavailableException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreUnavailableException("Redis: interrupted");
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			throw unavailable(ex);
		}
	}

	private AbstractRedisClient client() {
		AbstractRedisClient client = this.resolved;
		if (client == null) {
			client = Objects.requireNonNull(this.client.get(), "client cannot be null");
			this.resolved = client;
		}
		return client;
	}

	// Each connection is made once, by whichever caller gets there first; the others are
	// refused at once rather than wait. Lettuce re-establishes a connection that drops.
	private <C> C connection(Supplier<@Nullable C> current, Consumer<C> keep, Supplier<C> connect) {
		C connection = current.get();
		if (usable(connection)) {
			return connection;
		}
		lockOrRefuse();
		try {
			connection = current.get();
			if (!usable(connection)) {
				connection = connect.get();
				keep.accept(connection);
			}
			return connection;
		}
		finally {
			this.connecting.unlock();
		}
	}

	private void lockOrRefuse() {
		if (!this.connecting.tryLock()) {
			throw new StoreUnavailableException("Redis: connecting");
		}
	}

	private static boolean usable(@Nullable Object connection) {
		return connection instanceof RedisChannelHandler<?, ?> handler && !handler.isClosed();
	}

	private AtomicLong generation(StatefulRedisConnection<String, String> connection) {
		RedisChannelHandler<?, ?> handler = (RedisChannelHandler<?, ?>) connection;
		return this.generations.computeIfAbsent(handler, (h) -> {
			AtomicLong generation = new AtomicLong();
			h.addListener(new RedisConnectionStateListener() {

				@Override
				public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
					generation.incrementAndGet();
				}

				@Override
				public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
					generation.incrementAndGet();
				}

			});
			return generation;
		});
	}

	static StoreUnavailableException unavailable(Exception ex) {
		return new StoreUnavailableException("Redis: " + ex.getClass().getSimpleName());
	}

	/**
	 * The primary serving a key (its node id; "" for one primary), the commands of Writ's
	 * own connection to it, and that connection's count of connects and disconnects.
	 */
	record Primary(String id, RedisCommands<String, String> commands, AtomicLong generation) {
	}

	@Override
	public void close() {
		StatefulRedisConnection<String, String> standalone = this.standalone;
		if (standalone != null) {
			standalone.close();
		}
		StatefulRedisClusterConnection<String, String> cluster = this.cluster;
		if (cluster != null) {
			cluster.close();
		}
	}

}

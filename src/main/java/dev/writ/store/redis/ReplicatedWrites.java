package dev.writ.store.redis;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.jspecify.annotations.Nullable;

import dev.writ.store.StoreUnavailableException;
import dev.writ.store.redis.PrimaryConnections.Primary;

/**
 * The writes a failover must not undo — a one-time token's burn, a revocation — made so
 * that at least {@code replicas} replicas hold them before the caller goes on: on a
 * connection of Writ's own (never the one every other command shares, which a
 * {@code WAIT} would hold up), followed by {@code WAIT} with a bounded timeout.
 * <p>
 * {@code WAIT} counts the writes of the connection it is sent on: should the connection
 * be re-established between the write and the {@code WAIT} (a failover does exactly
 * that), the {@code WAIT} would count nothing and answer at once. So each connection
 * counts its connects and disconnects, and a write counts only if the count did not move
 * from before the write to after the {@code WAIT}.
 * <p>
 * A burn that does not count is taken back — by a compare-and-delete of the random value
 * it wrote, so that it can never remove another exchange's burn — and the call fails
 * closed; nothing was issued on it, so the client may retry. A revocation that does not
 * count stays written (taking one back could narrow an earlier one) and fails closed.
 * After a failure, writes to that primary are refused at once for a second, so that a
 * lost replica costs each caller a quick refusal, not a {@code WAIT} of its own; other
 * primaries of a Cluster go on. The connections are {@link PrimaryConnections}'.
 */
public final class ReplicatedWrites implements AutoCloseable {

	private static final Duration BACK_OFF = Duration.ofSeconds(1);

	private static final SecureRandom RANDOM = new SecureRandom();

	// Deletes the key only if it still holds this burn's value.
	private static final String TAKE_BACK = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""";

	private final int replicas;

	private final long timeoutMillis;

	private final Clock clock;

	private final PrimaryConnections connections;

	// Per primary (its node id; "" for one primary): a lagging replica in one shard of a
	// Cluster holds up no other.
	private final Map<String, Long> refuseUntil = new ConcurrentHashMap<>();

	/**
	 * @param client the Lettuce client of the store's connection factory (standalone,
	 * Sentinel or Cluster), asked for on the first write
	 * @param replicas how many replicas must acknowledge each write, at least 1
	 * @param timeout how long to wait for them
	 * @param clock the clock for the back-off
	 */
	public ReplicatedWrites(Supplier<AbstractRedisClient> client, int replicas, Duration timeout, Clock clock) {
		if (replicas < 1) {
			throw new IllegalArgumentException("replicas must be at least 1");
		}
		this.replicas = replicas;
		this.timeoutMillis = Math.max(1, timeout.toMillis());
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.connections = new PrimaryConnections(client, timeout);
	}

	/**
	 * {@code SET key <random> NX PX millis}, acknowledged.
	 * @return whether the key was absent (and is now set, on the replicas too)
	 */
	boolean setIfAbsent(String key, long millis) {
		String value = HexFormat.of().formatHex(nonce());
		Primary primary = this.connections.primaryFor(key);
		refuseWhileBackingOff(primary);
		long before = primary.generation().get();
		String answer;
		try {
			answer = primary.commands().set(key, value, SetArgs.Builder.nx().px(millis));
		}
		catch (RuntimeException ex) {
			// The SET may have run (a timeout is only the client's): take it back.
			takeBack(primary, key, value);
			throw PrimaryConnections.unavailable(ex);
		}
		if (!"OK".equals(answer)) {
			return false;
		}
		String refusal = acknowledgement(primary, before);
		if (refusal != null) {
			takeBack(primary, key, value);
			throw new StoreUnavailableException(refusal);
		}
		return true;
	}

	/**
	 * Runs a script on one key that always writes (so that this connection's
	 * acknowledgement covers any earlier write of the same key), then waits for it. Its
	 * write is not taken back when the replicas do not acknowledge it: a revocation only
	 * ever widens, and taking one back could narrow an earlier one.
	 */
	void script(String script, String key, String... arguments) {
		Primary primary = this.connections.primaryFor(key);
		refuseWhileBackingOff(primary);
		long before = primary.generation().get();
		try {
			primary.commands().eval(script, ScriptOutputType.INTEGER, new String[] { key }, arguments);
		}
		catch (RuntimeException ex) {
			throw PrimaryConnections.unavailable(ex);
		}
		String refusal = acknowledgement(primary, before);
		if (refusal != null) {
			backOff(primary);
			throw new StoreUnavailableException(refusal);
		}
	}

	// Why the write does not count, or null when it does.
	private @Nullable String acknowledgement(Primary primary, long before) {
		long acknowledged;
		try {
			acknowledged = primary.commands().waitForReplication(this.replicas, this.timeoutMillis);
		}
		catch (RuntimeException ex) {
			return "Redis: " + ex.getClass().getSimpleName() + " while waiting for replicas";
		}
		if (primary.generation().get() != before) {
			return "Redis: the connection changed during a write";
		}
		if (acknowledged < this.replicas) {
			return "Redis: " + acknowledged + " of " + this.replicas + " replicas acknowledged a write";
		}
		return null;
	}

	// Nothing was issued on a burn that does not count: taking it back lets the caller
	// try again. Only this burn's own value is deleted, wherever the connection now
	// leads; should the take-back fail, the key only stays burned longer.
	private void takeBack(Primary primary, String key, String value) {
		backOff(primary);
		try {
			primary.commands().eval(TAKE_BACK, ScriptOutputType.INTEGER, new String[] { key }, value);
		}
		catch (RuntimeException ex) {
			// fail closed either way
		}
	}

	private void backOff(Primary primary) {
		this.refuseUntil.put(primary.id(), this.clock.millis() + BACK_OFF.toMillis());
	}

	private void refuseWhileBackingOff(Primary primary) {
		if (this.clock.millis() < this.refuseUntil.getOrDefault(primary.id(), 0L)) {
			throw new StoreUnavailableException("Redis: replicas did not acknowledge a recent write");
		}
	}

	private static byte[] nonce() {
		byte[] nonce = new byte[16];
		RANDOM.nextBytes(nonce);
		return nonce;
	}

	@Override
	public void close() {
		this.connections.close();
	}

}

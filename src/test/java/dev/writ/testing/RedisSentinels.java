package dev.writ.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Sentinel deployment on free loopback ports: a primary, a replica and three
 * sentinels (quorum two) watching them as {@code writ}. The primary can be killed, as a
 * crash would; the sentinels then promote the replica.
 */
public final class RedisSentinels implements AutoCloseable {

	public static final String NAME = "writ";

	private static final List<String> PERSISTENT = List.of("--appendonly", "yes");

	private final List<RedisServer> servers = new ArrayList<>();

	private final List<RedisServer> sentinels = new ArrayList<>();

	private RedisServer primary;

	private RedisSentinels() {
	}

	/** Starts the primary, the replica (in sync) and the sentinels (agreeing on both). */
	public static RedisSentinels start() {
		RedisSentinels topology = new RedisSentinels();
		try {
			// With the persistence docs/operations.md asks of Sentinel: a killed server
			// that starts again holds what it held, rather than come back empty as a
			// primary that a second failover could promote, erasing every replica.
			topology.primary = RedisServer.start(PERSISTENT);
			topology.servers.add(topology.primary);
			List<String> replicaOf = new ArrayList<>(PERSISTENT);
			replicaOf.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(topology.primary.port())));
			RedisServer replica = RedisServer.start(replicaOf);
			topology.servers.add(replica);
			await("the replica to sync").atMost(Duration.ofSeconds(20))
				.until(() -> replica.cli("INFO", "replication").contains("master_link_status:up"));
			for (int i = 0; i < 3; i++) {
				topology.sentinels.add(RedisServer.sentinel(NAME, topology.primary.port(), 2));
			}
			await("the sentinels to see the replica and each other").atMost(Duration.ofSeconds(30))
				.until(() -> topology.sentinels.stream().allMatch((sentinel) -> {
					String master = sentinel.cli("SENTINEL", "MASTER", NAME);
					return master.contains("num-slaves\n1\n") && master.contains("num-other-sentinels\n2\n");
				}));
			return topology;
		}
		catch (RuntimeException ex) {
			topology.close();
			throw ex;
		}
	}

	/** The sentinels, as {@code spring.data.redis.sentinel.nodes} takes them. */
	public String nodes() {
		return this.sentinels.stream().map((s) -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
	}

	/** The port of the primary the sentinels name now. */
	public int primaryPort() {
		String answer = this.sentinels.get(0).cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME);
		return Integer.parseInt(answer.strip().split("\n")[1].strip());
	}

	/** The server on a port. */
	public RedisServer server(int port) {
		return this.servers.stream().filter((s) -> s.port() == port).findFirst().orElseThrow();
	}

	/** The replica of the primary the sentinels name now. */
	public RedisServer replica() {
		int primary = primaryPort();
		return this.servers.stream().filter((s) -> s.port() != primary).findFirst().orElseThrow();
	}

	/**
	 * Waits until every sentinel names a primary other than {@code old}, and it serves.
	 */
	public void awaitFailoverFrom(int old) {
		await("the sentinels to promote the replica").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.sentinels.stream()
				.allMatch((sentinel) -> !sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)
					.contains("\n" + old + "\n")));
		RedisServer promoted = this.servers.stream().filter((s) -> s.port() == primaryPort()).findFirst().orElseThrow();
		await("the promoted replica to act as primary").atMost(Duration.ofSeconds(10))
			.until(() -> promoted.cli("ROLE").startsWith("master"));
	}

	@Override
	public void close() {
		this.sentinels.forEach(RedisServer::close);
		this.servers.forEach(RedisServer::close);
	}

}

package dev.writ.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster on free loopback ports: three primaries sharing the 16384 slots,
 * each with one replica, made by {@code redis-cli --cluster create}.
 */
public final class RedisCluster implements AutoCloseable {

	private final List<RedisServer> nodes = new ArrayList<>();

	private RedisCluster() {
	}

	/**
	 * Starts six nodes and joins them, waiting until every node reports the cluster ok.
	 */
	public static RedisCluster start() {
		RedisCluster cluster = new RedisCluster();
		try {
			for (int i = 0; i < 6; i++) {
				cluster.nodes.add(RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-config-file",
						"nodes.conf", "--cluster-node-timeout", "1000")));
			}
			List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
			cluster.nodes.forEach((node) -> create.add("127.0.0.1:" + node.port()));
			create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
			RedisServer.run(create);
			await("every node to report the cluster ok").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> cluster.nodes.stream()
					.allMatch((node) -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok")));
			await("every primary's replica to be in sync").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> cluster.nodes.stream()
					.map((node) -> node.cli("INFO", "replication"))
					.allMatch((info) -> !info.contains("role:master") || info.contains("state=online")));
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/** The nodes, as {@code spring.data.redis.cluster.nodes} takes them. */
	public String nodes() {
		return this.nodes.stream().map((n) -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
	}

	/** The replica of the primary that serves a key's slot. */
	public RedisServer replicaServing(String key) {
		int slot = Integer.parseInt(this.nodes.get(0).cli("CLUSTER", "KEYSLOT", key).strip());
		List<String[]> lines = this.nodes.get(0)
			.cli("CLUSTER", "NODES")
			.lines()
			.map((line) -> line.split(" "))
			.toList();
		String primary = lines.stream()
			.filter((fields) -> fields[2].contains("master") && serves(fields, slot))
			.findFirst()
			.orElseThrow()[0];
		String address = lines.stream().filter((fields) -> fields[3].equals(primary)).findFirst().orElseThrow()[1];
		int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
		return this.nodes.stream().filter((node) -> node.port() == port).findFirst().orElseThrow();
	}

	/** The primary that serves a key's slot. */
	public RedisServer primaryServing(String key) {
		String replicaOf = replicaServing(key).cli("INFO", "replication")
			.lines()
			.filter((line) -> line.startsWith("master_port:"))
			.findFirst()
			.orElseThrow();
		int port = Integer.parseInt(replicaOf.substring("master_port:".length()).strip());
		return this.nodes.stream().filter((node) -> node.port() == port).findFirst().orElseThrow();
	}

	// Fields 8 and on of a CLUSTER NODES line: its slots, single or ranges.
	private static boolean serves(String[] fields, int slot) {
		for (int i = 8; i < fields.length; i++) {
			String[] range = fields[i].split("-");
			int from = Integer.parseInt(range[0]);
			int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
			if (from <= slot && slot <= to) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void close() {
		this.nodes.forEach(RedisServer::close);
	}

}

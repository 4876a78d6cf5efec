package dev.writ.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.writ.store.Store;
import dev.writ.store.StoreContractTests;
import dev.writ.store.StoreUnavailableException;
import dev.writ.testing.RedisCluster;
import dev.writ.testing.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The store contract on a real three-primary Redis Cluster, every key on the node that
 * serves its slot, and every burn and revocation acknowledged by that primary's replica.
 */
class RedisClusterStoreTests extends StoreContractTests {

	static RedisCluster cluster;

	static LettuceConnectionFactory connections;

	@BeforeAll
	static void startRedis() {
		cluster = RedisCluster.start();
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(List.of(cluster.nodes().split(",")));
		connections = RedisStoreTests.connect(configuration);
	}

	@AfterAll
	static void stopRedis() {
		connections.destroy();
		cluster.close();
	}

	@Override
	protected Store store() {
		return RedisStoreTests.acknowledged(connections, 1, this.clock);
	}

	@Override
	protected void passTime(Duration duration) {
		RedisStoreTests.passRealTime(this.clock, duration);
	}

	@Test
	void firstUseWhenItsShardsReplicaLagsThenRefusedThereAndServedOnOtherShards() {
		// Two keys on different primaries.
		String here = "lagging";
		String there = IntStream.range(0, 1000)
			.mapToObj((i) -> "other-" + i)
			.filter((key) -> cluster.primaryServing("writ:replay:" + key)
				.port() != cluster.primaryServing("writ:replay:" + here).port())
			.findFirst()
			.orElseThrow();
		RedisServer replica = cluster.replicaServing("writ:replay:" + here);
		RedisServer primary = cluster.primaryServing("writ:replay:" + here);
		Store store = store();
		replica.freeze();
		try {
			primary.cli("CLIENT", "KILL", "TYPE", "replica");

			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.firstUse(here, Duration.ofMinutes(5)))
				.withMessage("Redis: 0 of 1 replicas acknowledged a write");
			assertThat(store.firstUse(there, Duration.ofMinutes(5))).isTrue();
		}
		finally {
			replica.thaw();
		}
		assertThat(store.used(here)).isFalse();
	}

}

package dev.writ.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class RedisTopologyTests {

	@Test
	void ofWhenSentinelOrClusterSetThenThatTopologyAndOneReplicaAcknowledgesByDefault() {
		MockEnvironment sentinel = new MockEnvironment().withProperty("spring.data.redis.sentinel.master", "writ");
		MockEnvironment cluster = new MockEnvironment().withProperty("spring.data.redis.cluster.nodes", "a:1,b:2");

		assertThat(RedisTopology.of(sentinel)).isEqualTo(RedisTopology.SENTINEL);
		assertThat(RedisTopology.of(cluster)).isEqualTo(RedisTopology.CLUSTER);
		assertThat(RedisTopology.of(new MockEnvironment())).isEqualTo(RedisTopology.STANDALONE);
		assertThat(RedisTopology.SENTINEL.replicaAcks(store(null, 200))).isEqualTo(1);
		assertThat(RedisTopology.CLUSTER.replicaAcks(store(null, 200))).isEqualTo(1);
		assertThat(RedisTopology.STANDALONE.replicaAcks(store(null, 200))).isZero();
		assertThat(RedisTopology.SENTINEL.replicaAcks(store(0, 200))).isZero();
		assertThat(RedisTopology.STANDALONE.replicaAcks(store(2, 200))).isEqualTo(2);
	}

	@Test
	void problemWhenTheWaitOutlastsTheCommandTimeoutThenSaysSo() {
		assertThat(RedisTopology.problem(store(1, 200), new MockEnvironment())).isEmpty();
		assertThat(RedisTopology.problem(store(1, 500), new MockEnvironment()))
			.contains("writ.store.replica-ack-timeout (500ms) must be positive and shorter than "
					+ "spring.data.redis.timeout (500ms), which bounds every Redis command");
		assertThat(RedisTopology.problem(store(1, 800),
				new MockEnvironment().withProperty("spring.data.redis.timeout", "1s")))
			.isEmpty();
		assertThat(RedisTopology.problem(store(-1, 200), new MockEnvironment()))
			.contains("writ.store.replica-acks must be 0 (none) or more");
		// Irrelevant with the memory store.
		assertThat(RedisTopology.problem(new WritProperties.Store("memory", 1_000_000, 1, Duration.ofMillis(900)),
				new MockEnvironment()))
			.isEmpty();
	}

	@Test
	void problemWhenStaticPrimaryAndReplicasThenAcknowledgementsRefusedUnlessTurnedOff() {
		MockEnvironment masterReplica = new MockEnvironment().withProperty("spring.data.redis.masterreplica.nodes",
				"a:1,b:2");

		assertThat(RedisTopology.problem(store(null, 200), masterReplica).orElseThrow())
			.startsWith("spring.data.redis.masterreplica.* gives Writ no connection of its own");
		assertThat(RedisTopology.problem(store(0, 200), masterReplica)).isEmpty();
	}

	private static WritProperties.Store store(Integer acks, long timeoutMillis) {
		return new WritProperties.Store("redis", 1_000_000, acks, Duration.ofMillis(timeoutMillis));
	}

}

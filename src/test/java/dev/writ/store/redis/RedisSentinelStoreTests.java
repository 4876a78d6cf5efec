package dev.writ.store.redis;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.writ.store.Store;
import dev.writ.store.StoreContractTests;
import dev.writ.store.StoreUnavailableException;
import dev.writ.testing.RedisSentinels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The store contract through real sentinels to a real primary and replica, with every
 * burn and revocation acknowledged by the replica.
 */
class RedisSentinelStoreTests extends StoreContractTests {

	static RedisSentinels sentinels;

	static LettuceConnectionFactory connections;

	@BeforeAll
	static void startRedis() {
		sentinels = RedisSentinels.start();
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration().master(RedisSentinels.NAME);
		for (String node : sentinels.nodes().split(",")) {
			configuration.sentinel(node.split(":")[0], Integer.parseInt(node.split(":")[1]));
		}
		connections = RedisStoreTests.connect(configuration);
	}

	@AfterAll
	static void stopRedis() {
		connections.destroy();
		sentinels.close();
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
	void firstUseWhenMoreReplicasAskedThanThereAreThenRefusedAndTakenBack() {
		RedisStore store = RedisStoreTests.acknowledged(connections, 2, this.clock);
		try {
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.firstUse("unacknowledged", Duration.ofMinutes(5)))
				.withMessage("Redis: 1 of 2 replicas acknowledged a write");
			// Taken back: nothing was issued on it, so the token is not burned.
			assertThat(store.used("unacknowledged")).isFalse();
			// And refused at once for a second, without waiting for replicas again.
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.firstUse("next", Duration.ofMinutes(5)))
				.withMessage("Redis: replicas did not acknowledge a recent write");
			assertThat(store.used("next")).isFalse();
		}
		finally {
			store.close();
		}
	}

	@Test
	void revokeWhenRepeatedAndStillUnacknowledgedThenRefusedAgain() {
		RedisStore store = RedisStoreTests.acknowledged(connections, 2, this.clock);
		try {
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.revoke("repeated", 7, Duration.ofMinutes(5)))
				.withMessage("Redis: 1 of 2 replicas acknowledged a write");
			this.clock.advance(Duration.ofSeconds(2));

			// The same revocation again (narrower: nothing to widen): already written on
			// the primary, and still not acknowledged, so still not done.
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.revoke("repeated", 7, Duration.ofMinutes(1)))
				.withMessage("Redis: 1 of 2 replicas acknowledged a write");
			// It stays written: a revocation is never taken back.
			assertThat(store.lookup(List.of("repeated"))).containsEntry("repeated", 7L);
		}
		finally {
			store.close();
		}
	}

}

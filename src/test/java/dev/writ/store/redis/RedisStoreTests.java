package dev.writ.store.redis;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.writ.store.Store;
import dev.writ.store.StoreContractTests;
import dev.writ.store.StoreUnavailableException;
import dev.writ.testing.MutableClock;
import dev.writ.testing.RedisServer;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The store contract against a real redis-server on a free loopback port. */
class RedisStoreTests extends StoreContractTests {

	static RedisServer server;

	static LettuceConnectionFactory connections;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		connections = connect(new RedisStandaloneConfiguration("127.0.0.1", server.port()));
	}

	/** A started connection factory, commands bounded as Writ's are by default. */
	static LettuceConnectionFactory connect(RedisConfiguration configuration) {
		LettuceConnectionFactory connections = new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
		connections.afterPropertiesSet();
		connections.start();
		return connections;
	}

	/** A store whose burns and revocations {@code replicas} replicas acknowledge. */
	static RedisStore acknowledged(LettuceConnectionFactory connections, int replicas, MutableClock clock) {
		return new RedisStore(new StringRedisTemplate(connections),
				Optional
					.of(new ReplicatedWrites(connections::getNativeClient, replicas, Duration.ofMillis(200), clock)),
				clock);
	}

	@AfterAll
	static void stopRedis() {
		connections.destroy();
		server.close();
	}

	@Override
	protected Store store() {
		return new RedisStore(new StringRedisTemplate(connections), this.clock);
	}

	@Override
	protected void passTime(Duration duration) {
		passRealTime(this.clock, duration);
	}

	/** Advances the clock and lets the time pass: Redis expires keys by its own clock. */
	static void passRealTime(MutableClock clock, Duration duration) {
		clock.advance(duration);
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void callsWhenRedisIsGoneThenUnavailableNotAnError() {
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300)).build());
		nowhere.afterPropertiesSet();
		nowhere.start();
		try {
			RedisStore store = new RedisStore(new StringRedisTemplate(nowhere), this.clock);
			assertThatExceptionOfType(StoreUnavailableException.class)
				.isThrownBy(() -> store.firstUse("k", Duration.ofMinutes(1)));
			assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(store::ping);
		}
		finally {
			nowhere.destroy();
		}
	}

}

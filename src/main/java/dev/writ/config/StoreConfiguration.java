package dev.writ.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.writ.store.Store;
import dev.writ.store.memory.MemoryStore;
import dev.writ.store.redis.RedisStore;
import dev.writ.store.redis.ReplicatedWrites;

/**
 * The shared store ({@code writ.store.*}): memory for one node, or Redis (one server,
 * Sentinel or Cluster) for a fleet, with its monitor, its health and the Lettuce options
 * that keep every Redis call bounded.
 */
@Configuration(proxyBeanMethods = false)
// After WritConfiguration, whose constructor refuses start-up with every settings problem
// listed, writ.store.* included: a store is never built from settings that were not
// checked.
@DependsOn("writConfiguration")
class StoreConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(StoreConfiguration.class);

	private final WritProperties properties;

	StoreConfiguration(WritProperties properties) {
		this.properties = properties;
	}

	// Static, for Spring to run it before it makes any bean (and without this class).
	@Bean
	static BeanFactoryPostProcessor redisOnlyWhenUsed() {
		return RedisOnlyWhenUsed::leaveOutUnused;
	}

	@Bean
	Store store(Clock clock, ObjectProvider<StringRedisTemplate> redis,
			ObjectProvider<LettuceConnectionFactory> connections, Environment environment) {
		if ("redis".equals(this.properties.store().type())) {
			RedisTopology topology = RedisTopology.of(environment);
			int acks = topology.replicaAcks(this.properties.store());
			logger.info("Store: one-time burns and revocations count once {} replica(s) acknowledge them{}", acks,
					(acks == 0) ? " (none: a failover may forget the last writes; see writ.store.replica-acks)" : "");
			Optional<ReplicatedWrites> replicated = (acks == 0) ? Optional.empty()
					: Optional.of(new ReplicatedWrites(() -> connections.getObject().getNativeClient(), acks,
							this.properties.store().replicaAckTimeout(), clock));
			return new RedisStore(redis.getObject(), replicated, clock);
		}
		return new MemoryStore(clock, this.properties.store().memoryMaxEntries());
	}

	@Bean(destroyMethod = "close")
	StoreMonitor storeMonitor(Store store, MeterRegistry meters, Environment environment) {
		String description = "redis".equals(this.properties.store().type())
				? RedisTopology.of(environment).describe(environment) : "memory";
		return new StoreMonitor(store, description, meters, Duration.ofSeconds(5));
	}

	@Bean
	StoreHealthIndicator storeHealthIndicator(Store store, StoreMonitor monitor) {
		return new StoreHealthIndicator(store, monitor);
	}

	// While Redis is away, commands fail at once instead of queueing until their timeout:
	// no pile-up of waiting requests, and Lettuce reconnects in the background.
	@Bean
	LettuceClientOptionsBuilderCustomizer rejectWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true);
	}

	// Lettuce's own reconnect delay grows to 30 s: a Redis back (or a new primary
	// promoted) would stay unused that long. At most a second apart, every node is back
	// within a second of Redis.
	@Bean
	ClientResourcesBuilderCustomizer reconnectWithinASecond() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
	}

}

package dev.writ.config;

import java.time.Duration;
import java.util.Optional;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * How the Redis of {@code writ.store.type=redis} is laid out, read from Spring Boot's own
 * settings: through Sentinel ({@code spring.data.redis.sentinel.master}), a Cluster
 * ({@code spring.data.redis.cluster.nodes}) or one server.
 */
enum RedisTopology {

	STANDALONE, SENTINEL, CLUSTER;

	/**
	 * What and where the store is, for the log: never its URL or password, which may hold
	 * a credential.
	 */
	String describe(Environment environment) {
		return switch (this) {
			case SENTINEL -> environment.containsProperty("spring.data.redis.sentinel.master")
					? "redis through sentinels "
							+ environment.getProperty("spring.data.redis.sentinel.nodes", "(unset)") + ", master "
							+ environment.getProperty("spring.data.redis.sentinel.master")
					: "redis primary and replicas " + environment.getProperty("spring.data.redis.masterreplica.nodes");
			case CLUSTER -> "redis cluster " + environment.getProperty("spring.data.redis.cluster.nodes");
			case STANDALONE -> environment.containsProperty("spring.data.redis.url") ? "redis at spring.data.redis.url"
					: "redis at " + environment.getProperty("spring.data.redis.host", "localhost") + ":"
							+ environment.getProperty("spring.data.redis.port", "6379");
		};
	}

	/** The Redis command timeout when {@code spring.data.redis.timeout} is unset. */
	static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);

	static RedisTopology of(Environment environment) {
		if (environment.containsProperty("spring.data.redis.sentinel.master")) {
			return SENTINEL;
		}
		if (environment.containsProperty("spring.data.redis.cluster.nodes")) {
			return CLUSTER;
		}
		// A static primary with replicas can fail over by hand: acknowledged like
		// Sentinel, which problem() refuses until replica-acks says otherwise.
		if (environment.containsProperty("spring.data.redis.masterreplica.nodes")) {
			return SENTINEL;
		}
		return STANDALONE;
	}

	/**
	 * How many replicas acknowledge a burn or revocation when
	 * {@code writ.store.replica-acks} is unset: one where a failover can promote a
	 * replica (Sentinel, Cluster), none for one server, which has no failover to survive.
	 */
	int defaultReplicaAcks() {
		return (this == STANDALONE) ? 0 : 1;
	}

	int replicaAcks(WritProperties.Store store) {
		return (store.replicaAcks() != null) ? store.replicaAcks() : defaultReplicaAcks();
	}

	/**
	 * Why the acknowledgement settings cannot work, if they cannot: the {@code WAIT} must
	 * answer before the command times out.
	 */
	static Optional<String> problem(WritProperties.Store store, Environment environment) {
		if (!"redis".equals(store.type())) {
			return Optional.empty();
		}
		if (store.replicaAcks() != null && store.replicaAcks() < 0) {
			return Optional.of("writ.store.replica-acks must be 0 (none) or more");
		}
		if (environment.containsProperty("spring.data.redis.masterreplica.nodes")
				&& (store.replicaAcks() == null || store.replicaAcks() > 0)) {
			return Optional.of("spring.data.redis.masterreplica.* gives Writ no connection of its own to the primary "
					+ "to wait for replicas on: use Sentinel (spring.data.redis.sentinel.*), or set "
					+ "writ.store.replica-acks=0 and accept that a failover may forget the last burns");
		}
		// Bound as Spring Boot binds it ("500ms", "1s", "PT1S").
		Duration commandTimeout = Binder.get(environment)
			.bind("spring.data.redis.timeout", Duration.class)
			.orElse(DEFAULT_COMMAND_TIMEOUT);
		if (!store.replicaAckTimeout().isPositive() || store.replicaAckTimeout().compareTo(commandTimeout) >= 0) {
			return Optional.of("writ.store.replica-ack-timeout (" + store.replicaAckTimeout().toMillis()
					+ "ms) must be positive and shorter than spring.data.redis.timeout (" + commandTimeout.toMillis()
					+ "ms), which bounds every Redis command");
		}
		return Optional.empty();
	}

}

package dev.writ.web;

import java.util.List;

import dev.writ.testing.RedisCluster;

/**
 * The fleet on a real three-primary Redis Cluster: a burn, a revocation or a rate limit
 * lives on the node serving its key's slot, and both Writ nodes find it there.
 */
class ClusterFleetIntegrationTests extends FleetContract {

	RedisCluster cluster;

	@Override
	List<String> startRedis() {
		this.cluster = RedisCluster.start();
		return List.of("spring.data.redis.cluster.nodes=" + this.cluster.nodes());
	}

	@Override
	void stopRedis() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

}

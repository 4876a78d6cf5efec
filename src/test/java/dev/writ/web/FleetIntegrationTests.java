package dev.writ.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ConfigurableApplicationContext;

import dev.writ.testing.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet on one real Redis server; and when it goes away, no request hangs, exchanges
 * that need it are refused, a source that may carry on does, and everything recovers by
 * itself when Redis is back.
 */
class FleetIntegrationTests extends FleetContract {

	RedisServer redis;

	@Override
	List<String> startRedis() {
		this.redis = RedisServer.start();
		return List.of("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.redis.port());
	}

	@Override
	void stopRedis() {
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	@Order(4)
	void redisGoneThenRefusedFastOrCarriedOnAndRecoveredWhenBack(CapturedOutput output) throws Exception {
		this.redis.stop();
		try {
			HttpResponse<String> refused = exchange(nodeA, job("test"), "https://deploy.example.org");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(json(refused)).containsEntry("error", "temporarily_unavailable");
			assertThat(refused.headers().firstValue("Retry-After")).isPresent();

			assertThat(exchange(nodeB, this.lenient.svid("/catalog-reader").sign(), "https://catalog.example.org")
				.statusCode()).isEqualTo(200);

			// The node still serves: ready but degraded (200, so a load balancer keeps
			// it), alive, and it said so.
			await("the store monitor to see Redis gone").atMost(Duration.ofSeconds(15))
				.until(() -> health(nodeA, "").body().contains("DEGRADED"));
			HttpResponse<String> health = health(nodeA, "");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(JSONObjectUtils.getJSONObject(json(health), "components").get("store").toString())
				.contains("DEGRADED");
			HttpResponse<String> readiness = health(nodeA, "/readiness");
			assertThat(readiness.statusCode()).isEqualTo(200);
			assertThat(json(readiness)).containsEntry("status", "DEGRADED");
			HttpResponse<String> liveness = health(nodeA, "/liveness");
			assertThat(liveness.statusCode()).isEqualTo(200);
			assertThat(json(liveness)).containsEntry("status", "UP");
			assertThat(output.getAll())
				.contains("Store: redis at 127.0.0.1:" + this.redis.port() + " became unreachable");
		}
		finally {
			this.redis.startAgain();
		}
		await("node A's store monitor to see Redis back").atMost(Duration.ofSeconds(15))
			.until(() -> "UP".equals(status(health(nodeA, "/readiness"))));
		await("the log to say so").atMost(Duration.ofSeconds(5))
			.until(() -> output.getAll()
				.contains("Store: redis at 127.0.0.1:" + this.redis.port() + " is reachable again"));
		// Lettuce reconnects in the background, each node on its own schedule: exchanges
		// succeed again on both
		// without any restart.
		for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
			await("an exchange to succeed again").atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> exchange(node, job("after"), "https://deploy.example.org").statusCode() == 200);
		}
	}

}

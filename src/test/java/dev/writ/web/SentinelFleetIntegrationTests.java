package dev.writ.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.writ.testing.RedisServer;
import dev.writ.testing.RedisSentinels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet through real sentinels to a primary and its replica; and when the primary
 * dies, no token burned before is usable again on the promoted replica, requests in
 * between are refused (503) and none hangs, and both nodes serve again by themselves.
 */
class SentinelFleetIntegrationTests extends FleetContract {

	static final String DEPLOY = "https://deploy.example.org";

	RedisSentinels sentinels;

	@Override
	List<String> startRedis() {
		this.sentinels = RedisSentinels.start();
		return List.of("spring.data.redis.sentinel.master=" + RedisSentinels.NAME,
				"spring.data.redis.sentinel.nodes=" + this.sentinels.nodes());
	}

	@Override
	void stopRedis() {
		if (this.sentinels != null) {
			this.sentinels.close();
		}
	}

	@Test
	@Order(4)
	void primaryKilledThenNoBurnedTokenUsableAgainAndServedAgainWithoutRestart() throws Exception {
		List<String> issued = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String token = job("before-" + letter(i));
			assertThat(exchange((i % 2 == 0) ? this.nodeA : this.nodeB, token, DEPLOY).statusCode()).isEqualTo(200);
			issued.add(token);
		}
		// The replica falls behind: frozen, and cut off from the primary, it receives
		// nothing more. A burn the primary alone holds must not count: without the
		// replica's acknowledgement these exchanges would succeed, and the promoted
		// replica
		// would not know them.
		RedisServer replica = this.sentinels.replica();
		int killed = this.sentinels.primaryPort();
		replica.freeze();
		try {
			this.sentinels.server(killed).cli("CLIENT", "KILL", "TYPE", "replica");
			for (int i = 0; i < 3; i++) {
				String token = job("unacknowledged-" + letter(i));
				HttpResponse<String> response = exchange(this.nodeA, token, DEPLOY);
				assertRefusedForNow(response);
				if (response.statusCode() == 200) {
					issued.add(token);
				}
			}
			this.sentinels.server(killed).stop();
		}
		finally {
			replica.thaw();
		}
		// Between the kill and the promotion: refused at once, never an error, never a
		// hang (each request is cut off at 5 s and would fail the test).
		for (int i = 0; i < 3; i++) {
			assertRefusedForNow(exchange((i % 2 == 0) ? this.nodeA : this.nodeB, job("window-" + letter(i)), DEPLOY));
		}
		this.sentinels.awaitFailoverFrom(killed);
		// The old primary comes back, empty, and the sentinels make it the new primary's
		// replica: burns can be acknowledged again.
		this.sentinels.server(killed).startAgain();
		for (ConfigurableApplicationContext node : List.of(this.nodeA, this.nodeB)) {
			await("exchanges to succeed again, without a restart").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					HttpResponse<String> response = exchange(node, job("after-" + letters()), DEPLOY);
					assertRefusedForNow(response);
					return response.statusCode() == 200;
				});
		}

		for (String token : issued) {
			for (ConfigurableApplicationContext node : List.of(this.nodeA, this.nodeB)) {
				HttpResponse<String> replay = exchange(node, token, DEPLOY);
				assertThat(replay.statusCode()).as("a token burned before the failover, replayed").isEqualTo(400);
				assertThat((String) json(replay).get("error_description"))
					.startsWith("subject_token has already been used");
			}
		}
	}

	// The grant's subjects are lower-case letters and dashes.
	private static String letter(int i) {
		return String.valueOf((char) ('a' + i));
	}

	// A subject of its own for each try: the grant's rate limit counts per subject.
	private static String letters() {
		StringBuilder letters = new StringBuilder();
		ThreadLocalRandom.current().ints(12, 'a', 'z' + 1).forEach((c) -> letters.append((char) c));
		return letters.toString();
	}

	// Served, or refused for now with the protocol's answer: nothing else.
	private static void assertRefusedForNow(HttpResponse<String> response) throws Exception {
		assertThat(response.statusCode()).isIn(200, 503);
		if (response.statusCode() == 503) {
			assertThat(json(response)).containsEntry("error", "temporarily_unavailable");
			assertThat(response.headers().firstValue("Retry-After")).isPresent();
		}
	}

}

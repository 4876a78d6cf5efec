package dev.writ.client;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** writ-client while its Writ is stopped, and after it is back: a Writ of its own. */
class WritAwayTests {

	@Test
	void writStoppedThenTheValidTokenServedUntilItsEndThenUnreachableThenATokenOnceWritIsBack() {
		try (WritTestServer writ = TestSite.start()) {
			Path identity = writ.identityFile(TestSite.WORKLOAD, Duration.ofHours(1));
			try (WritClient client = WritClient.builder()
				.tokenEndpoint(writ.tokenEndpoint())
				.identity(IdentitySource.file(identity))
				.timeout(Duration.ofSeconds(2))
				.build()) {
				AccessToken held = client.token("https://twenty.example.org", "twenty:read");
				Instant expires = held.expiresAt();
				writ.stop();

				// Past the refresh time (at most 75% of 20 s), before the last tenth: the
				// held token,
				// while its refresh fails in the background.
				sleepUntil(expires.minusSeconds(4));
				assertThat(client.token("https://twenty.example.org", "twenty:read").value()).isEqualTo(held.value());
				sleepUntil(expires.minusSeconds(3));
				assertThat(client.token("https://twenty.example.org", "twenty:read").value()).isEqualTo(held.value());

				// In its last tenth it is no longer handed out: Writ is away, so no
				// token.
				sleepUntil(expires.minusMillis(1500));
				WritClientException away = catchThrowableOfType(WritClientException.class,
						() -> client.token("https://twenty.example.org", "twenty:read"));
				assertThat(away.error()).isEqualTo(WritClientException.UNREACHABLE);
				assertThat(away.isTransient()).isTrue();
				assertThat(away.getMessage()).doesNotContain(held.value());

				writ.restart();
				AccessToken fresh = awaitToken(client);
				assertThat(fresh.value()).isNotEqualTo(held.value());
				assertThat(fresh.expiresAt()).isAfter(expires);
			}
		}
	}

	/** The client's next token once its backoff (at most 30 s) is over. */
	private static AccessToken awaitToken(WritClient client) {
		long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
		while (true) {
			try {
				return client.token("https://twenty.example.org", "twenty:read");
			}
			catch (WritClientException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				WritTestServer.sleep(250);
			}
		}
	}

	private static void sleepUntil(Instant instant) {
		long millis = Duration.between(Instant.now(), instant).toMillis();
		if (millis > 0) {
			WritTestServer.sleep(millis);
		}
	}

}

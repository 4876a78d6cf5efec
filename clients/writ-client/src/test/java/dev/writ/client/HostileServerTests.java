package dev.writ.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The client against a token endpoint that misbehaves — a loopback server answering what
 * no Writ answers (and what a man in the middle, a wrong URL or a broken proxy could) —
 * and against identity sources that hang or break.
 */
class HostileServerTests {

	private HttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	interface Answer {

		void answer(HttpExchange exchange) throws IOException, InterruptedException;

	}

	private WritClient serving(Answer answer, Duration timeout, IdentitySource identity) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		this.server.createContext("/oauth2/token", (exchange) -> {
			this.requests.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			try {
				answer.answer(exchange);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				exchange.close();
			}
		});
		this.server.start();
		return WritClient.builder()
			.tokenEndpoint(URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/oauth2/token"))
			.identity(identity)
			.timeout(timeout)
			.build();
	}

	private WritClient serving(Answer answer) throws IOException {
		return serving(answer, Duration.ofSeconds(2), () -> "eyJ.identity.token");
	}

	private static void json(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static Answer token(String expiresIn, String type, String scope) {
		return (exchange) -> json(exchange, 200, "{\"access_token\":\"eyJ.access.token\",\"token_type\":\"" + type
				+ "\",\"expires_in\":" + expiresIn + ",\"scope\":\"" + scope + "\"}");
	}

	@Test
	void bodyTrickledPastTheTimeoutThenUnreachableWithinItAndTheNextCallTriesAgain() throws Exception {
		try (WritClient client = serving((exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, 0);
			OutputStream out = exchange.getResponseBody();
			for (int i = 0; i < 40; i++) {
				out.write(' ');
				out.flush();
				Thread.sleep(250);
			}
		}, Duration.ofSeconds(1), () -> "eyJ.identity.token")) {
			long started = System.nanoTime();
			WritClientException slow = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://a.example.org"));
			assertThat(slow.error()).isEqualTo(WritClientException.UNREACHABLE);
			assertThat(slow.getMessage()).contains("did not answer in 1000 ms");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			Thread.sleep(1100); // the first backoff: at most 1 s
			assertThatThrownBy(() -> client.token("https://a.example.org")).isInstanceOf(WritClientException.class);
			assertThat(this.requests).hasValue(2);
		}
	}

	@Test
	void answerLargerThanWritsThenRefusedUnread() throws Exception {
		try (WritClient client = serving((exchange) -> json(exchange, 200, " ".repeat(300 * 1024) + "{}"))) {
			WritClientException large = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://a.example.org"));
			assertThat(large.getMessage()).contains("more than 262144 bytes");
		}
	}

	@Test
	void expiresInOfCenturiesThenHeldForADayAtMost() throws Exception {
		try (WritClient client = serving(token("99999999999999", "Bearer", "a"))) {
			AccessToken token = client.token("https://a.example.org", "a");
			assertThat(token.expiresAt()).isBefore(Instant.now().plus(Duration.ofDays(1)).plusSeconds(5));
		}
	}

	@Test
	void tokenTypeOtherThanBearerThenRefusedNotSentAsBearer() throws Exception {
		try (WritClient client = serving(token("300", "DPoP", "a"))) {
			WritClientException dpop = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://a.example.org", "a"));
			assertThat(dpop.error()).isEqualTo(WritClientException.INVALID_RESPONSE);
			assertThat(dpop.getMessage()).contains("'DPoP', not Bearer");
		}
	}

	@Test
	void scopeGrantedTwiceThenOneScope() throws Exception {
		try (WritClient client = serving(token("300", "bearer", "a a b"))) {
			assertThat(client.token("https://a.example.org", "a", "b").scopes()).containsExactlyInAnyOrder("a", "b");
		}
	}

	@Test
	void retryAfterZeroThenTheBackoffStillHolds() throws Exception {
		try (WritClient client = serving((exchange) -> {
			exchange.getResponseHeaders().add("Retry-After", "0");
			json(exchange, 503, "{\"error\":\"temporarily_unavailable\"}");
		})) {
			assertThatThrownBy(() -> client.token("https://a.example.org"))
				.hasMessageStartingWith("temporarily_unavailable");
			assertThatThrownBy(() -> client.token("https://a.example.org"))
				.hasMessageStartingWith("temporarily_unavailable");
			assertThat(this.requests).as("requests during the backoff").hasValue(1);
		}
	}

	@Test
	void errorDescriptionWithLineBreaksAndPagesOfTextThenOnePrintableLine() throws Exception {
		try (WritClient client = serving((exchange) -> json(exchange, 400,
				"{\"error\":\"invalid_target\",\"error_description\":\"forged\\r\\nlog line " + "x".repeat(10_000)
						+ "\"}"))) {
			WritClientException refused = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://a.example.org"));
			assertThat(refused.description().orElseThrow()).startsWith("forged??log line").hasSizeLessThan(210);
			assertThat(refused.getMessage()).doesNotContain("\n").doesNotContain("\r");
		}
	}

	@Test
	void identitySourceThatHangsThenCallersAnsweredAndTheNextCallStartsAgain() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger reads = new AtomicInteger();
		IdentitySource hangsOnce = () -> {
			if (reads.incrementAndGet() == 1) {
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return "eyJ.identity.token";
		};
		try (WritClient client = serving(token("300", "Bearer", "a"), Duration.ofMillis(500), hangsOnce)) {
			WritClientException hung = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://a.example.org", "a"));
			assertThat(hung.error()).isEqualTo(WritClientException.UNREACHABLE);
			Thread.sleep(100);
			assertThat(client.token("https://a.example.org", "a").value()).isEqualTo("eyJ.access.token");
			assertThat(reads).hasValue(2);
			release.countDown();
		}
	}

	@Test
	void identitySourceThatThrowsAnErrorThenAnsweredNotStuck() throws Exception {
		AtomicInteger reads = new AtomicInteger();
		IdentitySource breaksOnce = () -> {
			if (reads.incrementAndGet() == 1) {
				throw new AssertionError("broken source");
			}
			return "eyJ.identity.token";
		};
		try (WritClient client = serving(token("300", "Bearer", "a"), Duration.ofSeconds(2), breaksOnce)) {
			WritClientException broken = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://a.example.org", "a"));
			assertThat(broken.getMessage()).contains("java.lang.AssertionError").doesNotContain("broken source");
			Thread.sleep(1100);
			assertThat(client.token("https://a.example.org", "a").value()).isEqualTo("eyJ.access.token");
		}
	}

	@Test
	void audiencesPastTheCapThenIdleOnesDroppedAndHeldOnesRefusedBeyond() throws Exception {
		try (WritClient refusing = serving((exchange) -> json(exchange, 400, "{\"error\":\"invalid_target\"}"))) {
			for (int i = 0; i < TokenCache.MAX_ENTRIES + 100; i++) {
				int n = i;
				assertThatThrownBy(() -> refusing.token("https://" + n + ".example.org"))
					.isInstanceOf(WritClientException.class);
			}
			assertThat(refusing.heldRequests()).isLessThanOrEqualTo(TokenCache.MAX_ENTRIES);
		}
		stop();
		try (WritClient granting = serving(token("3600", "Bearer", "a"))) {
			for (int i = 0; i < TokenCache.MAX_ENTRIES; i++) {
				granting.token("https://" + i + ".example.org", "a");
			}
			assertThatThrownBy(() -> granting.token("https://one-more.example.org", "a"))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("more than 1024 audiences");
		}
	}

	@Test
	void closedThenNoTokenWhateverIsHeld() throws Exception {
		WritClient client = serving(token("3600", "Bearer", "a"));
		client.token("https://a.example.org", "a");
		client.close();
		assertThatThrownBy(() -> client.token("https://a.example.org", "a")).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("closed");
	}

}

package dev.writ.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * writ-client against a real Writ ({@link WritTestServer}): no part of either is a
 * stand-in.
 */
class WritClientTests {

	private static WritTestServer writ;

	private static Path identity;

	@BeforeAll
	static void startWrit() {
		writ = TestSite.start();
		identity = writ.identityFile(TestSite.WORKLOAD, Duration.ofHours(1));
	}

	@AfterAll
	static void stopWrit() {
		writ.close();
	}

	private static WritClient client(Path identityFile) {
		return WritClient.builder()
			.tokenEndpoint(writ.tokenEndpoint())
			.identity(IdentitySource.file(identityFile))
			.build();
	}

	@Test
	void sixteenCallersThenOneExchangePerRefreshOfAFiveSecondTokenAndNeverAnExpiredOne() throws Exception {
		long before = writ.exchanges("grant", "short");
		Map<String, JWTClaimsSet> seen = new ConcurrentHashMap<>();
		List<String> expired = Collections.synchronizedList(new ArrayList<>());
		try (WritClient client = client(identity)) {
			ExecutorService callers = Executors.newFixedThreadPool(16);
			CountDownLatch go = new CountDownLatch(1);
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
			List<Future<Integer>> calls = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				calls.add(callers.submit(() -> {
					go.await();
					int n = 0;
					while (System.nanoTime() < end) {
						AccessToken token = client.token("https://short.example.org", "short:read");
						JWTClaimsSet claims = claims(token.value());
						if (!claims.getExpirationTime().toInstant().isAfter(Instant.now())) {
							expired.add(claims.getJWTID());
						}
						seen.putIfAbsent(token.value(), claims);
						n++;
						Thread.sleep(5);
					}
					return n;
				}));
			}
			go.countDown();
			int total = 0;
			for (Future<Integer> call : calls) {
				total += call.get(60, TimeUnit.SECONDS);
			}
			callers.shutdown();
			assertThat(total).as("calls").isGreaterThan(16 * 100);
		}
		assertThat(expired).as("tokens handed out expired").isEmpty();
		// A 5 s token refreshed at 60-75% of its life: a new one every 3-3.75 s, 4-5 in
		// 12 s.
		assertThat(seen).as("distinct tokens").hasSizeBetween(3, 6);
		long exchanges = writ.exchanges("grant", "short") - before;
		// One exchange per token handed out; at most one more whose refresh had not
		// ended.
		assertThat(exchanges).as("exchanges at Writ").isBetween((long) seen.size(), seen.size() + 1L);
		// Refreshed ahead: each token was issued while the one before it was still valid.
		List<JWTClaimsSet> byIssue = seen.values()
			.stream()
			.sorted((a, b) -> a.getIssueTime().compareTo(b.getIssueTime()))
			.toList();
		for (int i = 1; i < byIssue.size(); i++) {
			assertThat(byIssue.get(i).getIssueTime()).as("token %d issued before token %d expired", i, i - 1)
				.isBefore(byIssue.get(i - 1).getExpirationTime());
		}
	}

	@Test
	void refusalThenWritsErrorAndDescriptionNoTokenAndNoSecondRequestDuringTheBackoff() throws Exception {
		long before = writ.exchanges("error", "invalid_target");
		String svid = Files.readString(identity).strip();
		try (WritClient client = client(identity)) {
			WritClientException refused = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://nowhere.example.org", "x:read"));
			assertThat(refused.error()).isEqualTo("invalid_target");
			assertThat(refused.status()).hasValue(400);
			assertThat(refused.description()).isPresent();
			assertThat(refused.isTransient()).isFalse();
			assertThat(refused.getMessage()).startsWith("invalid_target: ").doesNotContain(svid);

			WritClientException again = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://nowhere.example.org", "x:read"));
			assertThat(again.error()).isEqualTo("invalid_target");
			assertThat(again.getCause()).isSameAs(refused.getCause() != null ? refused.getCause() : refused);
		}
		assertThat(writ.exchanges("error", "invalid_target") - before).as("requests Writ refused").isEqualTo(1);
	}

	@Test
	void slowDownThenRetryAfterHonouredAndTheTokenOnceItIsOver() throws Exception {
		Path limited = writ.identityFile(TestSite.LIMITED, Duration.ofHours(1));
		try (WritClient client = client(limited)) {
			assertThat(client.token("https://a.example.org", "a:read").scopes()).containsExactly("a:read");
			long refusedBefore = writ.exchanges("error", "slow_down");

			WritClientException slowDown = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://b.example.org", "b:read"));
			assertThat(slowDown.error()).isEqualTo("slow_down");
			assertThat(slowDown.status()).hasValue(429);
			assertThat(slowDown.isTransient()).isTrue();
			Duration retryAfter = slowDown.retryAfter().orElseThrow();
			assertThat(retryAfter).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(4));

			assertThatThrownBy(() -> client.token("https://b.example.org", "b:read"))
				.isInstanceOf(WritClientException.class)
				.hasMessageStartingWith("slow_down");
			assertThat(writ.exchanges("error", "slow_down") - refusedBefore).as("requests during Retry-After")
				.isEqualTo(1);

			Thread.sleep(retryAfter.toMillis() + 500);
			assertThat(client.token("https://b.example.org", "b:read").scopes()).containsExactly("b:read");
		}
	}

	@Test
	void credentialFileThatWritWroteThenTokensForItsAudience() throws Exception {
		Path file = writ.site().resolve("credentials.json");
		writ.cli("credentials", "create-config", "--issuer", writ.issuer(), "--allow-loopback-http", "--audience",
				"https://orders.example.org", "--credential-source-file", identity.toString(), "--output-file",
				file.toString());
		try (WritClient client = WritClient.fromCredentialFile(file)) {
			assertThat(client.defaultAudience()).hasValue("https://orders.example.org");
			AccessToken token = client.defaultAudienceToken("orders:read");
			assertThat(token.scopes()).containsExactly("orders:read");
			assertThat(claims(token.value()).getAudience()).containsExactly("https://orders.example.org");
			assertThat(token.toString()).doesNotContain(token.value());
			assertThat(client.defaultAudienceToken("orders:read").value()).as("the second call, from the cache")
				.isEqualTo(token.value());
		}
	}

	@Test
	void githubActionsSourceThroughItsRequestUrlThenToken() throws Exception {
		String svid = Files.readString(identity).strip();
		HttpServer actions = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		Map<String, String> asked = new ConcurrentHashMap<>();
		actions.createContext("/token", (exchange) -> {
			asked.put("query", exchange.getRequestURI().getRawQuery());
			asked.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
			byte[] body = ("{\"count\":1,\"value\":\"" + svid + "\"}").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		actions.start();
		try {
			Map<String, String> environment = new HashMap<>();
			environment.put("ACTIONS_ID_TOKEN_REQUEST_URL",
					"http://127.0.0.1:" + actions.getAddress().getPort() + "/token?api-version=2.0");
			environment.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-of-this-run");
			IdentitySource source = IdentitySources.githubActions(writ.issuer(), environment);
			assertThat(source.toString()).doesNotContain("request-token-of-this-run").doesNotContain("api-version");
			try (WritClient client = WritClient.builder().issuer(URI.create(writ.issuer())).identity(source).build()) {
				assertThat(client.token("https://orders.example.org", "orders:write").scopes())
					.containsExactly("orders:write");
			}
			assertThat(asked.get("query")).isEqualTo(
					"api-version=2.0&audience=" + java.net.URLEncoder.encode(writ.issuer(), StandardCharsets.UTF_8));
			assertThat(asked.get("authorization")).isEqualTo("Bearer request-token-of-this-run");
		}
		finally {
			actions.stop(0);
		}
	}

	@Test
	void metadataThatNamesAnotherIssuerThenRefusedAndNoIdentitySent() throws Exception {
		HttpServer impostor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		List<String> paths = Collections.synchronizedList(new ArrayList<>());
		impostor.createContext("/", (exchange) -> {
			paths.add(exchange.getRequestURI().getPath());
			byte[] body = ("{\"issuer\":\"" + writ.issuer() + "\",\"token_endpoint\":\"" + writ.tokenEndpoint() + "\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		impostor.start();
		try (WritClient client = WritClient.builder()
			.issuer(URI.create("http://127.0.0.1:" + impostor.getAddress().getPort() + "/tenant"))
			.identity(IdentitySource.file(identity))
			.build()) {
			WritClientException refused = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://orders.example.org", "orders:read"));
			assertThat(refused.error()).isEqualTo(WritClientException.INVALID_RESPONSE);
			assertThat(refused.getMessage()).contains("names another issuer");
			assertThat(paths).containsOnly("/.well-known/oauth-authorization-server/tenant");
		}
		finally {
			impostor.stop(0);
		}
	}

	@Test
	void unreadableIdentityThenIdentityUnavailableNamingTheSource() {
		Path missing = writ.site().resolve("no-such-token");
		try (WritClient client = client(missing)) {
			WritClientException failed = catchThrowableOfType(WritClientException.class,
					() -> client.token("https://orders.example.org", "orders:read"));
			assertThat(failed.error()).isEqualTo(WritClientException.NO_IDENTITY);
			assertThat(failed.getMessage()).contains(missing.toString());
		}
	}

	@Test
	void plainHttpBeyondLoopbackThenRefusedBeforeAnyRequestUnlessAllowedOutright() {
		assertThatThrownBy(() -> WritClient.builder()
			.tokenEndpoint(URI.create("http://writ.example.org/oauth2/token"))
			.identity(IdentitySource.file(identity))
			.build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be https");
		try (WritClient allowed = WritClient.builder()
			.tokenEndpoint(URI.create("http://writ.example.org/oauth2/token"))
			.identity(IdentitySource.file(identity))
			.allowPlainHttp(true)
			.build()) {
			assertThat(allowed.toString()).contains("http://writ.example.org/oauth2/token");
		}
		assertThatThrownBy(() -> IdentitySource.url(URI.create("http://10.0.0.1/token?secret=s3cr3t"), Map.of(), null))
			.hasMessageNotContaining("s3cr3t");
	}

	static JWTClaimsSet claims(String token) throws ParseException {
		return SignedJWT.parse(token).getJWTClaimsSet();
	}

	static String read(Path file) throws IOException {
		return Files.readString(file, StandardCharsets.UTF_8);
	}

}

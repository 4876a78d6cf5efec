package dev.writ.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.gate.ComputeGate;
import dev.writ.testing.FakeIssuer;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestSvid;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Token requests take turns to compute (one at a time here): a request that finds no turn
 * within {@code writ.exchanges.max-queue-wait} is refused with 503 and
 * {@code Retry-After}, and a request waiting on a slow issuer gives its turn to the
 * others meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "writ.exchanges.concurrency=1", "writ.exchanges.max-queue-wait=300ms" })
class ExchangeTurnsIntegrationTests {

	static final FakeIssuer CI = FakeIssuer.start(Clock.systemUTC());

	static final String PAYMENTS = "https://payments.example.org";

	static final String DEPLOY = "https://deploy.example.org";

	static final WritTestSite SITE = site();

	static WritTestSite site() {
		WritTestSite site = WritTestSite.create("""
				grants:
				  - id: checkout-pays
				    subject: spiffe://test.example.org/ns/prod/sa/checkout
				    audience: %s
				    scopes: [payments:charge]
				  - id: ci-deploys
				    trust: ci
				    subject: build
				    audience: %s
				    scopes: [deploy]
				""".formatted(PAYMENTS, DEPLOY));
		try {
			Files.writeString(site.policies().resolve("oidc.yaml"), """
					oidc:
					  - name: ci
					    issuer: %s
					    jwks: { url: %s/jwks }
					    replay: reuse
					""".formatted(CI.issuer(), CI.issuer()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return site;
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> TestSvid.DEFAULT_AUDIENCE);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.trust.allow-loopback-http", () -> "true");
		// An unknown kid fetches the issuer's keys again at once.
		registry.add("writ.trust.min-refetch-interval", () -> "1ms");
	}

	@AfterAll
	static void stop() {
		CI.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	ComputeGate gate;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void exchangeWhenNoTurnComesFreeWithinTheWaitThenRefusedForNowAndServedOnceOneDoes() throws Exception {
		assertThat(this.gate.enter(Duration.ZERO)).isTrue();
		try {
			HttpResponse<String> refused = exchange(checkout(), PAYMENTS);
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(JSONObjectUtils.parse(refused.body())).containsEntry("error", "temporarily_unavailable");
		}
		finally {
			this.gate.leave();
		}
		assertThat(exchange(checkout(), PAYMENTS).statusCode()).isEqualTo(200);
	}

	@Test
	void introspectionWhenNoTurnComesFreeThenRefusedForNowBeforeItsTokenIsRead() throws Exception {
		assertThat(this.gate.enter(Duration.ZERO)).isTrue();
		try {
			HttpResponse<String> refused = introspect();
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(JSONObjectUtils.parse(refused.body())).containsEntry("error", "temporarily_unavailable");
		}
		finally {
			this.gate.leave();
		}
		// With a turn, its (absent) bearer token is read and refused.
		assertThat(introspect().statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> introspect() throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/oauth2/introspect"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=x"))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void exchangeWhileAnotherWaitsOnASlowIssuerThenServed() throws Exception {
		assertThat(exchange(CI.token("build").sign(), DEPLOY).statusCode()).isEqualTo(200);
		// A new key the issuer signs with: Writ fetches the issuer's keys again, slowly
		// (3
		// s), for the first token of it.
		CI.rotate();
		CI.mode(FakeIssuer.Mode.SLOW);
		int fetches = CI.keyRequests();
		CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
			try {
				return exchange(CI.token("build").sign(), DEPLOY);
			}
			catch (IOException | InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await("the fetch of the new key to begin").atMost(Duration.ofSeconds(5))
			.until(() -> CI.keyRequests() > fetches);
		// The only turn is not held by the request that waits on the issuer: this one is
		// served at once, where it would wait 3 s and be refused after 300 ms.
		assertThat(slow).isNotDone();
		assertThat(exchange(checkout(), PAYMENTS).statusCode()).isEqualTo(200);
		assertThat(slow).isNotDone();
		CI.mode(FakeIssuer.Mode.UP);
		assertThat(slow.get().statusCode()).isEqualTo(200);
	}

	private String checkout() {
		return SITE.authority().svid("/ns/prod/sa/checkout").sign();
	}

	private HttpResponse<String> exchange(String token, String audience) throws IOException, InterruptedException {
		return TestExchanges.exchange(this.http, "http://localhost:" + this.port, token, audience);
	}

}

package dev.writ.web;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import org.awaitility.Awaitility;

/** A running Writ picks up a policy edit without restart, and ignores a broken one. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HotReloadIntegrationTests {

	static final String GRANTS = """
			grants:
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			""";

	static final WritTestSite SITE = WritTestSite.create(GRANTS);

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> "http://localhost:8080");
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.policies-reload-interval", () -> "200ms");
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	final HttpClient http = HttpClient.newHttpClient();

	private Map<String, Object> exchange(String audience) throws Exception {
		String body = "grant_type="
				+ URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8)
				+ "&subject_token_type="
				+ URLEncoder.encode("urn:ietf:params:oauth:token-type:jwt", StandardCharsets.UTF_8) + "&subject_token="
				+ SITE.authority().svid("/ns/prod/sa/checkout").sign() + "&audience="
				+ URLEncoder.encode(audience, StandardCharsets.UTF_8);
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return JSONObjectUtils.parse(response.body());
	}

	private double reloads(String outcome) {
		return this.meters.get("writ.policy.reloads").tag("outcome", outcome).counter().count();
	}

	// Waits for the watcher, bounded; asserts outcomes, never durations.
	private static void await(BooleanSupplier condition) {
		Awaitility.await("the policy watcher").atMost(Duration.ofSeconds(15)).until(condition::getAsBoolean);
	}

	@Test
	void editWhileRunningThenAppliedAndABrokenEditChangesNothing() throws Exception {
		assertThat(exchange("https://ledger.example.org")).containsEntry("error", "invalid_target");

		Files.writeString(SITE.policies().resolve("grants.yaml"), GRANTS + """
				  - id: checkout-reads-ledger
				    subject: spiffe://test.example.org/ns/prod/sa/checkout
				    audience: https://ledger.example.org
				    scopes: [ledger:read]
				""");
		await(() -> reloads("applied") >= 1);
		assertThat(exchange("https://ledger.example.org")).containsKey("access_token");

		Files.writeString(SITE.policies().resolve("grants.yaml"), "grants:\n  - id: [broken\n");
		await(() -> reloads("refused") >= 1);
		assertThat(exchange("https://ledger.example.org")).containsKey("access_token");
		assertThat(exchange("https://payments.example.org")).containsKey("access_token");
	}

}

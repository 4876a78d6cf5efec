package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestSvid;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics name grants and trust sources: a client outside writ.metrics.allowed-networks
 * cannot scrape them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MetricsAccessIntegrationTests {

	static final WritTestSite SITE = WritTestSite.create("grants: []\n");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.issuer", () -> TestSvid.DEFAULT_AUDIENCE);
		registry.add("writ.metrics.allowed-networks", () -> "10.0.0.0/8");
	}

	@Test
	void prometheusWhenClientOutsideTheAllowedNetworksThenRefusedButHealthServed() throws Exception {
		HttpClient http = HttpClient.newHttpClient();

		HttpResponse<String> metrics = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> health = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(metrics.statusCode()).isIn(401, 403);
		assertThat(metrics.body()).doesNotContain("writ_").contains("\"error\":\"access_denied\"");
		assertThat(health.statusCode()).isEqualTo(200);
	}

}

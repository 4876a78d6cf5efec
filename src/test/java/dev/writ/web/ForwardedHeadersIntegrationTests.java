package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestSvid;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Kubernetes, Spring Boot believes forwarded headers by itself, from every private
 * address. Writ does not: a client outside {@code writ.metrics.allowed-networks} cannot
 * claim an allowed address with {@code X-Forwarded-For}, unless the operator names the
 * proxy that sends it.
 */
class ForwardedHeadersIntegrationTests {

	static final WritTestSite SITE = WritTestSite.create("grants: []\n");

	static void kubernetes(DynamicPropertyRegistry registry) {
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.issuer", () -> TestSvid.DEFAULT_AUDIENCE);
		// What Spring Boot detects from KUBERNETES_SERVICE_HOST and
		// KUBERNETES_SERVICE_PORT.
		registry.add("spring.main.cloud-platform", () -> "kubernetes");
		registry.add("writ.metrics.allowed-networks", () -> "10.0.0.0/8");
	}

	static int scrape(int port, String forwardedFor) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
				.header("X-Forwarded-For", forwardedFor)
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class OnKubernetes {

		@LocalServerPort
		int port;

		@DynamicPropertySource
		static void site(DynamicPropertyRegistry registry) {
			kubernetes(registry);
		}

		@Test
		void prometheusWhenForwardedForClaimsAnAllowedAddressThenStillRefused() throws Exception {
			assertThat(scrape(this.port, "10.1.2.3")).isIn(401, 403, 404);
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class BehindANamedProxy {

		@LocalServerPort
		int port;

		@DynamicPropertySource
		static void site(DynamicPropertyRegistry registry) {
			kubernetes(registry);
			registry.add("server.forward-headers-strategy", () -> "native");
			registry.add("server.tomcat.remoteip.internal-proxies", () -> "127\\.0\\.0\\.1");
		}

		@Test
		void prometheusWhenTheNamedProxyForwardsAnAllowedClientThenServed() throws Exception {
			assertThat(scrape(this.port, "10.1.2.3")).isEqualTo(200);
			assertThat(scrape(this.port, "192.168.1.1")).isIn(401, 403, 404);
		}

	}

}

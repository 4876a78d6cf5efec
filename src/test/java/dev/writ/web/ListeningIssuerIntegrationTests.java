package dev.writ.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.writ.WritApplication;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changing only the port moves the issuer with it: unset, {@code writ.issuer} is the URL
 * Writ listens on, so the metadata and the audience a subject token must name follow
 * {@code server.port}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ListeningIssuerIntegrationTests {

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			""");

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void startWhenOnlyThePortIsSetThenTheIssuerIsThatPortsUrl(CapturedOutput output) throws Exception {
		int port = freePort();
		String issuer = "http://localhost:" + port;
		try (ConfigurableApplicationContext writ = start("--server.port=" + port)) {
			Map<String, Object> metadata = JSONObjectUtils
				.parse(get(issuer + "/.well-known/oauth-authorization-server"));
			assertThat(metadata).containsEntry("issuer", issuer)
				.containsEntry("token_endpoint", issuer + "/oauth2/token");

			String svid = SITE.authority().svid("/ns/prod/sa/checkout").audience(issuer).sign();
			HttpResponse<String> exchange = TestExchanges.exchange(this.http, issuer, svid,
					"https://payments.example.org");
			assertThat(exchange.statusCode()).as(exchange.body()).isEqualTo(200);
			String accessToken = (String) JSONObjectUtils.parse(exchange.body()).get("access_token");
			assertThat(com.nimbusds.jwt.SignedJWT.parse(accessToken).getJWTClaimsSet().getIssuer()).isEqualTo(issuer);

			String forTheOldPort = SITE.authority()
				.svid("/ns/prod/sa/checkout")
				.audience("http://localhost:8080")
				.sign();
			assertThat(TestExchanges.exchange(this.http, issuer, forTheOldPort, "https://payments.example.org").body())
				.contains("subject_token audience does not name this server");
		}
		assertThat(output.getAll()).contains("Issuer " + issuer + ": the address Writ listens on")
			.contains("Store: memory, reachable (this node only")
			.contains("aud names [http://localhost:8080]; accepted here: [" + issuer + "]")
			.doesNotContain("names port");
	}

	@Test
	void startWhenTheIssuerNamesAnotherLoopbackPortThenWarned(CapturedOutput output) throws Exception {
		int port = freePort();
		try (ConfigurableApplicationContext writ = start("--server.port=" + port,
				"--writ.issuer=http://localhost:8080")) {
			assertThat(get("http://localhost:" + port + "/.well-known/oauth-authorization-server"))
				.contains("\"issuer\":\"http://localhost:8080\"");
		}
		assertThat(output.getAll())
			.contains("writ.issuer http://localhost:8080 names port 8080 on loopback, but Writ listens on " + port);
	}

	private static ConfigurableApplicationContext start(String... arguments) {
		String[] args = new String[arguments.length + 2];
		System.arraycopy(arguments, 0, args, 0, arguments.length);
		args[arguments.length] = "--writ.policies-dir=" + SITE.policies();
		args[arguments.length + 1] = "--writ.keys-dir=" + SITE.keys();
		return new SpringApplicationBuilder(WritApplication.class).run(args);
	}

	private String get(String url) throws IOException, InterruptedException {
		return this.http
			.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

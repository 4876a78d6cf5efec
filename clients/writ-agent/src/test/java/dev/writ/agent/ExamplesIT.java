package dev.writ.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code writ-agent.jar} as a process, and the worked examples that use it,
 * run as docs/clients.md shows them, against a real Writ: a GitHub Actions step
 * ({@code examples/ci/deploy.sh}, with a loopback server speaking GitHub's OIDC token
 * protocol) and a Python service reading the agent's file
 * ({@code examples/python/payments_client.py}), and the compose demo's Java workload on
 * Writ's client ({@code examples/workload/Checkout.java}, run from source with the jar on
 * its class path). The APIs they call are loopback servers that record the
 * {@code Authorization} they get.
 */
class ExamplesIT {

	private static WritTestServer writ;

	private static String svid;

	private final Path jar = Path.of(System.getProperty("writ.agent.jar", "target/writ-agent.jar"));

	private final Path examples = Path.of(System.getProperty("writ.examples", "../../examples"));

	private final Map<String, String> seen = new ConcurrentHashMap<>();

	private final List<HttpServer> servers = new ArrayList<>();

	@TempDir
	Path dir;

	@BeforeAll
	static void startWrit() {
		writ = WritTestServer.builder().policies("site.yaml", AgentTests.POLICIES + """
				  - id: payments
				    subject: spiffe://demo.writ.local/ns/app/sa/ci
				    audience: https://payments.example.org
				    scopes: [payments:read, payments:charge]
				""").start();
		svid = writ.svid(AgentTests.WORKLOAD, Duration.ofHours(1));
	}

	@AfterAll
	static void stopWrit() {
		writ.close();
	}

	@AfterEach
	void stopServers() {
		this.servers.forEach((server) -> server.stop(0));
	}

	/**
	 * A loopback server answering {@code body} at {@code path}, recording what it was
	 * asked with.
	 */
	private String serve(String path, String body) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext(path, (exchange) -> {
			this.seen.put(path + " authorization",
					String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
			this.seen.put(path + " query", String.valueOf(exchange.getRequestURI().getRawQuery()));
			this.seen.put(path + " body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		});
		server.start();
		this.servers.add(server);
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	private static String run(ProcessBuilder command) throws Exception {
		Process process = command.redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	@Test
	void githubActionsStepThenTheDeployApiGetsAWritTokenForItsAudience() throws Exception {
		String github = serve("/token", "{\"count\":1,\"value\":\"" + svid + "\"}");
		String deploy = serve("/deployments", "{\"id\":1}");
		ProcessBuilder step = new ProcessBuilder("bash", this.examples.resolve("ci/deploy.sh").toString());
		step.environment().put("ACTIONS_ID_TOKEN_REQUEST_URL", github + "/token?api-version=2.0");
		step.environment().put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-of-this-run");
		step.environment().put("WRIT_ISSUER", writ.issuer());
		step.environment().put("WRIT_AGENT_JAR", this.jar.toString());
		step.environment().put("DEPLOY_URL", deploy);
		step.environment().put("GITHUB_SHA", "4b825dc6");

		String output = run(step);

		assertThat(this.seen.get("/token authorization")).isEqualTo("Bearer request-token-of-this-run");
		assertThat(this.seen.get("/token query"))
			.contains("audience=" + java.net.URLEncoder.encode(writ.issuer(), StandardCharsets.UTF_8));
		String authorization = this.seen.get("/deployments authorization");
		assertThat(authorization).startsWith("Bearer ");
		String token = authorization.substring("Bearer ".length());
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience())
			.containsExactly("https://deploy.example.org");
		assertThat(this.seen.get("/deployments body")).contains("\"version\": \"4b825dc6\"");
		assertThat(output).contains("::add-mask::" + token);
	}

	@Test
	void agentProcessThenThePythonServiceCallsWithTheTokenOfItsFile() throws Exception {
		Path identity = Files.writeString(this.dir.resolve("svid.jwt"), svid);
		Path file = this.dir.resolve("run/payments.token");
		Path config = Files.writeString(this.dir.resolve("agent.json"), """
				{"issuer": "%s", "identity_file": "%s",
				 "targets": [{"audience": "https://payments.example.org", "scopes": ["payments:read"], "file": "%s"}]}
				""".formatted(writ.issuer(), identity, file));
		Process agent = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
				this.jar.toString(), "agent", "--config", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("agent.log").toFile())
			.start();
		try {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!Files.exists(file) && System.nanoTime() < deadline && agent.isAlive()) {
				Thread.sleep(100);
			}
			assertThat(file).as(Files.readString(this.dir.resolve("agent.log"))).exists();
			String payments = serve("/payments", "[{\"id\":\"p1\"}]");
			ProcessBuilder service = new ProcessBuilder("python3",
					this.examples.resolve("python/payments_client.py").toString());
			service.environment().put("WRIT_TOKEN_FILE", file.toString());
			service.environment().put("PAYMENTS_URL", payments);

			String output = run(service);

			assertThat(output.strip()).isEqualTo("[{\"id\": \"p1\"}]");
			assertThat(this.seen.get("/payments authorization")).isEqualTo("Bearer " + Files.readString(file));
			assertThat(Files.readString(this.dir.resolve("agent.log"))).contains("wrote " + file)
				.doesNotContain(Files.readString(file));
		}
		finally {
			agent.destroy();
			agent.waitFor(20, TimeUnit.SECONDS);
		}
	}

	@Test
	void composeDemoWorkloadThenItChargesWithAWritTokenFromWritsClient() throws Exception {
		Path identity = Files.writeString(this.dir.resolve("svid.jwt"), svid);
		String payments = serve("/payments/charges", "{\"charged\":true}");
		ProcessBuilder checkout = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
				this.jar.toString(), this.examples.resolve("workload/Checkout.java").toString());
		checkout.environment().put("IDENTITY_TOKEN_FILE", identity.toString());
		checkout.environment().put("TOKEN_URL", writ.tokenEndpoint().toString());
		checkout.environment().put("PAYMENTS_URL", payments);
		checkout.environment().put("PAYMENTS_AUDIENCE", "https://payments.example.org");
		checkout.environment().put("ONCE", "true");

		String output = run(checkout);

		String authorization = this.seen.get("/payments/charges authorization");
		assertThat(authorization).startsWith("Bearer ");
		String token = authorization.substring("Bearer ".length());
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("scope")).isEqualTo("payments:charge");
		assertThat(output).contains("POST /payments/charges -> 200").doesNotContain(token).doesNotContain(svid);
	}

}

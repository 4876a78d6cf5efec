package dev.writ;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.testing.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar ({@code target/writ.jar}, run by the failsafe plugin after
 * {@code package}) started from Spring's build-time processing
 * ({@code -Dspring.aot.enabled=true}), as docs/operations.md recommends for the fastest
 * start: it serves an exchange with either store, and refuses a setting that the build's
 * processing fixed.
 */
class AheadOfTimeIT {

	private static final Path JAR = Path.of("target", "writ.jar");

	private static final String SUBJECT = "spiffe://demo.writ.local/ns/aot/sa/client";

	private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

	@TempDir
	Path site;

	private final List<Process> started = new ArrayList<>();

	private int port;

	private String token;

	@BeforeEach
	void site() throws Exception {
		this.port = freePort();
		Files.createDirectories(this.site.resolve("policies"));
		Files.writeString(this.site.resolve("policies/aot.yaml"), """
				spiffe:
				  - trust_domain: demo.writ.local
				    demo: true
				grants:
				  - id: aot-inventory
				    subject_pattern: spiffe://demo\\.writ\\.local/ns/aot/sa/[a-z-]+
				    audience: https://inventory.aot.test
				    scopes: [inventory:read]
				    when: "'inventory:read' in request.scopes"
				""");
		Process svid = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "dev", "svid", SUBJECT, "--audience", issuer(),
				"--keys", this.site.resolve("keys").toString(), "--policies", this.site.resolve("policies").toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		this.token = new String(svid.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
		assertThat(svid.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(svid.exitValue()).isZero();
	}

	@AfterEach
	void stop() throws InterruptedException {
		for (Process process : this.started) {
			process.destroy();
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	@Test
	void memoryStoreServesAnExchange() throws Exception {
		Path log = start(List.of());
		assertThat(exchangeOnceStarted(log)).isEqualTo(200);
		assertThat(Files.readString(log)).contains("Starting AOT-processed WritApplication").contains("Store: memory");
		// The build was processed with the Redis store's parts; with the memory store
		// none
		// of them is made.
		assertThat(liveClasses(this.started.get(0))).contains("dev.writ.store.memory.MemoryStore")
			.doesNotContain("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
			.doesNotContain("io.lettuce.core.resource.DefaultClientResources");
		// What the conditions fixed at build time left as it is without the flag.
		assertThat(status("POST", "/admin/explain")).as("explain, off").isEqualTo(404);
		assertThat(status("GET", "/actuator/env")).isEqualTo(404);
		assertThat(status("GET", "/actuator/health")).isEqualTo(200);
	}

	@Test
	void redisStoreServesAnExchange() throws Exception {
		try (RedisServer redis = RedisServer.start()) {
			Path log = start(List.of("--writ.store.type=redis", "--spring.data.redis.port=" + redis.port(),
					"--writ.admin.explain=true"));
			assertThat(exchangeOnceStarted(log)).isEqualTo(200);
			assertThat(status("POST", "/admin/explain")).as("explain, on: a token needed").isEqualTo(401);
			assertThat(Files.readString(log)).contains("Starting AOT-processed WritApplication")
				.contains("Store: redis");
		}
	}

	@Test
	void settingTheBuildFixedIsRefusedNamed() throws Exception {
		Path log = start(List.of("--management.server.port=" + freePort()));
		Process writ = this.started.get(0);
		assertThat(writ.waitFor(120, TimeUnit.SECONDS)).as("Writ refuses to start").isTrue();
		assertThat(writ.exitValue()).isNotZero();
		assertThat(Files.readString(log)).contains("management.server.port is ")
			.contains("ahead-of-time processing fixed it at unset")
			.doesNotContain("\tat ");
	}

	private Path start(List<String> settings) throws IOException {
		Path log = this.site.resolve("writ-" + this.started.size() + ".log");
		List<String> command = new ArrayList<>(
				List.of(JAVA, "-Dspring.aot.enabled=true", "-jar", JAR.toString(), "--server.port=" + this.port,
						"--writ.issuer=" + issuer(), "--writ.policies-dir=" + this.site.resolve("policies"),
						"--writ.keys-dir=" + this.site.resolve("keys")));
		command.addAll(settings);
		this.started.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
		return log;
	}

	/** The status of the first exchange answered, once Writ listens (within 120 s). */
	private int exchangeOnceStarted(Path log) throws Exception {
		String form = "grant_type=" + encode("urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token_type="
				+ encode("urn:ietf:params:oauth:token-type:jwt") + "&audience=" + encode("https://inventory.aot.test")
				+ "&scope=" + encode("inventory:read") + "&subject_token=" + encode(this.token);
		HttpRequest request = HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		try (HttpClient client = HttpClient.newHttpClient()) {
			while (System.nanoTime() < deadline) {
				assertThat(this.started.get(0).isAlive()).as("Writ is running; its log: %s", log).isTrue();
				try {
					return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
				}
				catch (IOException notYet) {
					Thread.sleep(100);
				}
			}
		}
		throw new AssertionError("Writ did not answer within 120 s; its log: " + Files.readString(log));
	}

	private int status(String method, String path) throws Exception {
		try (HttpClient client = HttpClient.newHttpClient()) {
			return client
				.send(HttpRequest.newBuilder(URI.create(issuer() + path))
					.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofString("{}"))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
	}

	/** The classes that have instances in the process's heap, from the JDK's jcmd. */
	private static String liveClasses(Process process) throws Exception {
		Path jcmd = Path.of(JAVA).resolveSibling("jcmd");
		Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.class_histogram")
			.redirectErrorStream(true)
			.start();
		String classes = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(histogram.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return classes;
	}

	private String issuer() {
		return "http://127.0.0.1:" + this.port;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

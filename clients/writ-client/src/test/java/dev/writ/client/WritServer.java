package dev.writ.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Writ: {@code target/writ.jar} of the repository root (the build's
 * {@code writ.jar} property), in its own JVM on a free loopback port, with a site of its
 * own. It can be stopped and started again on the same port with the same keys.
 */
final class WritServer implements AutoCloseable {

	/** The demo trust domain's workload: any number of exchanges. */
	static final String WORKLOAD = "spiffe://demo.writ.local/ns/app/sa/client";

	/** The limited trust domain's workload: one exchange per 4 seconds. */
	static final String LIMITED = "spiffe://limited.writ.local/ns/app/sa/client";

	static final String POLICIES = """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			  - trust_domain: limited.writ.local
			    demo: true
			    rate_limit: { subject: "1 per 4s" }
			grants:
			  - id: short
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://short.example.org
			    scopes: [short:read]
			    ttl: 5s
			  - id: twenty
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://twenty.example.org
			    scopes: [twenty:read]
			    ttl: 20s
			  - id: hour
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://hour.example.org
			    scopes: [hour:read]
			    ttl: 1h
			  - id: orders
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://orders.example.org
			    scopes: [orders:read, orders:write]
			  - id: limited-a
			    subject: spiffe://limited.writ.local/ns/app/sa/client
			    audience: https://a.example.org
			    scopes: [a:read]
			  - id: limited-b
			    subject: spiffe://limited.writ.local/ns/app/sa/client
			    audience: https://b.example.org
			    scopes: [b:read]
			""";

	private final Path jar;

	private final Path site;

	private final int port;

	private Process process;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private WritServer(Path jar, Path site, int port) {
		this.jar = jar;
		this.site = site;
		this.port = port;
		this.process = launch();
	}

	/** A Writ with {@link #POLICIES}, started and healthy. */
	static WritServer start() {
		Path jar = Path.of(System.getProperty("writ.jar", "../../target/writ.jar")).toAbsolutePath().normalize();
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(
					jar + " is missing: build Writ first (./mvnw -B verify in the repository root)");
		}
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path site = Files.createTempDirectory("writ-client-");
			Files.createDirectories(site.resolve("policies"));
			Files.writeString(site.resolve("policies/site.yaml"), POLICIES);
			return new WritServer(jar, site, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Process launch() {
		List<String> command = java("-jar", this.jar.toString(), "--server.port=" + this.port,
				"--writ.issuer=" + issuer(), "--writ.policies-dir=" + this.site.resolve("policies"),
				"--writ.keys-dir=" + this.site.resolve("keys"));
		try {
			Process started = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.site.resolve("writ.log").toFile()))
				.start();
			this.process = started;
			awaitHealthy();
			return started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> java(String... args) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("--sun-misc-unsafe-memory-access=allow");
		command.addAll(List.of(args));
		return command;
	}

	private void awaitHealthy() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Writ exited (" + this.process.exitValue() + "):\n" + log());
			}
			try {
				HttpResponse<String> health = get("/actuator/health");
				if (health.statusCode() == 200 && health.body().contains("UP")) {
					return;
				}
			}
			catch (UncheckedIOException ex) {
				// not listening yet
			}
			sleep(200);
		}
		close();
		throw new IllegalStateException("Writ did not become healthy in 90s:\n" + log());
	}

	String issuer() {
		return "http://127.0.0.1:" + this.port;
	}

	URI tokenEndpoint() {
		return URI.create(issuer() + "/oauth2/token");
	}

	/**
	 * A file holding a JWT-SVID for {@code spiffeId} meant for this Writ, valid for an
	 * hour.
	 */
	Path identityFile(String spiffeId) {
		try {
			Path file = Files.createTempFile(this.site, "identity-", ".jwt");
			Files.writeString(file, cli("dev", "svid", spiffeId, "--audience", issuer(), "--ttl", "1h", "--keys",
					this.site.resolve("keys").toString()));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Runs Writ's command line; its standard output. */
	String cli(String... args) {
		List<String> command = new ArrayList<>(java("-jar", this.jar.toString()));
		command.addAll(List.of(args));
		try {
			Process cli = new ProcessBuilder(command).directory(this.site.toFile())
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
				throw new IllegalStateException("writ " + args[0] + " " + args[1] + " failed");
			}
			return out;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	Path site() {
		return this.site;
	}

	/**
	 * The exchanges Writ has counted ({@code writ_exchanges_total}) whose tags include
	 * {@code tag="value"}, e.g. {@code grant="short"}.
	 */
	long exchanges(String tag, String value) {
		String metrics = get("/actuator/prometheus").body();
		Matcher line = Pattern.compile("^writ_exchanges_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE)
			.matcher(metrics);
		double total = 0;
		while (line.find()) {
			if (line.group(1).contains(tag + "=\"" + value + "\"")) {
				total += Double.parseDouble(line.group(2));
			}
		}
		return (long) total;
	}

	private HttpResponse<String> get(String path) {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create(issuer() + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stops Writ; {@link #restart()} starts it again on the same port, with the same
	 * keys.
	 */
	void stop() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	void restart() {
		this.process = launch();
	}

	String log() {
		try {
			List<String> lines = Files.readAllLines(this.site.resolve("writ.log"));
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

}

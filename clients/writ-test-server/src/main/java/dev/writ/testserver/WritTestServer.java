package dev.writ.testserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * A real Writ — a {@code writ.jar} in its own JVM on a free loopback port — with a site
 * of its own in a temporary directory: the policy files given, keys generated at start,
 * demo identities minted by its own {@code dev svid}. No part of it is a stand-in. It can
 * be stopped and started again on the same port with the same keys.
 *
 * <pre>{@code
 * try (WritTestServer writ = WritTestServer.builder().policies("site.yaml", POLICIES).start()) {
 *     String svid = writ.svid("spiffe://demo.writ.local/ns/shop/sa/checkout");
 *     String token = writ.exchange(svid, "https://payments.example.org", "payments:read");
 * }
 * }</pre>
 */
public final class WritTestServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final WritJar jar;

	private final Path site;

	private final int port;

	private final List<String> arguments;

	private final WritHttp http;

	private Process process;

	private final @Nullable TestCertificate tls;

	WritTestServer(Path jar, Path site, int port, List<String> arguments, @Nullable TestCertificate tls) {
		this.jar = new WritJar(jar);
		this.site = site;
		this.port = port;
		this.tls = tls;
		this.http = new WritHttp(issuer(port, tls != null),
				(tls != null) ? TestCertificate.context(tls.certificate(), null) : null);
		this.arguments = List.copyOf(arguments);
		this.process = launch();
	}

	public static WritTestServerBuilder builder() {
		return new WritTestServerBuilder();
	}

	private Process launch() {
		List<String> command = new ArrayList<>(
				this.jar.command("--server.port=" + this.port, "--writ.issuer=" + issuer(),
						"--writ.policies-dir=" + this.site.resolve("policies"), "--writ.keys-dir=" + keysDir()));
		command.addAll(this.arguments);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.site.resolve("writ.log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		awaitHealthy();
		return this.process;
	}

	private void awaitHealthy() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
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
		stop();
		throw new IllegalStateException("Writ did not become healthy in " + START_TIMEOUT.toSeconds() + "s:\n" + log());
	}

	/**
	 * Its issuer: {@code http://127.0.0.1:<port>}, or {@code https://} when it serves
	 * TLS.
	 */
	public String issuer() {
		return issuer(this.port, this.tls != null);
	}

	static String issuer(int port, boolean tls) {
		return (tls ? "https" : "http") + "://127.0.0.1:" + port;
	}

	/**
	 * The certificate it serves TLS with, when {@link WritTestServerBuilder#tls()} asked
	 * for TLS.
	 */
	public X509Certificate tlsCertificate() {
		if (this.tls == null) {
			throw new IllegalStateException("this Writ serves plain http: WritTestServer.builder().tls()");
		}
		return this.tls.certificate();
	}

	/**
	 * A TLS context that trusts this Writ and presents {@code client}'s certificate if
	 * given: a workload's, for mutual TLS.
	 */
	public SSLContext sslContext(@Nullable TestCertificate client) {
		return TestCertificate.context(tlsCertificate(), client);
	}

	public int port() {
		return this.port;
	}

	public String url(String path) {
		return issuer() + path;
	}

	public URI tokenEndpoint() {
		return URI.create(url("/oauth2/token"));
	}

	/** The site: {@code policies/}, {@code keys/} and {@code writ.log}. */
	public Path site() {
		return this.site;
	}

	public Path keysDir() {
		return this.site.resolve("keys");
	}

	/**
	 * A JWT-SVID for {@code spiffeId} of a trust domain the policies trust with
	 * {@code demo: true}, for this Writ's audience, with {@code dev svid}'s default life.
	 */
	public String svid(String spiffeId) {
		return cli("dev", "svid", spiffeId, "--audience", issuer(), "--keys", keysDir().toString()).strip();
	}

	/** A JWT-SVID as {@link #svid(String)}, living {@code ttl}. */
	public String svid(String spiffeId, Duration ttl) {
		return cli("dev", "svid", spiffeId, "--audience", issuer(), "--ttl", ttl.toSeconds() + "s", "--keys",
				keysDir().toString())
			.strip();
	}

	/**
	 * A file in the site holding {@link #svid(String, Duration) a JWT-SVID}, as
	 * spiffe-helper keeps one.
	 */
	public Path identityFile(String spiffeId, Duration ttl) {
		try {
			return Files.writeString(Files.createTempFile(this.site, "identity-", ".jwt"), svid(spiffeId, ttl));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Runs Writ's command line in the site (so {@code policies/} is the site's), and
	 * answers its standard output; fails unless it exits 0 within a minute.
	 */
	public String cli(String... args) {
		return this.jar.run(this.site, args);
	}

	/**
	 * Exchanges {@code subjectToken} (a JWT) for an access token; fails on anything but
	 * 200.
	 */
	public String exchange(String subjectToken, String audience, String scope) {
		return this.http.exchange(subjectToken, audience, scope);
	}

	/** The form encoding of {@code fields}, in their order. */
	public static String form(Map<String, String> fields) {
		return WritHttp.form(fields);
	}

	/**
	 * POSTs to Writ, with a bearer token if one is given; the body; fails on anything but
	 * 200.
	 */
	public String post(String path, String contentType, @Nullable String bearer, String body) {
		return this.http.post(path, contentType, bearer, body);
	}

	public HttpResponse<String> get(String path) {
		return this.http.get(path);
	}

	/**
	 * The exchanges Writ has counted ({@code writ_exchanges_total} on
	 * {@code /actuator/prometheus}) whose tags include {@code tag="value"}, e.g.
	 * {@code grant="short"} or {@code error="slow_down"}.
	 */
	public long exchanges(String tag, String value) {
		return this.http.exchanges(tag, value);
	}

	/**
	 * Stops Writ (SIGTERM, then SIGKILL after 20 s); {@link #restart()} starts it again.
	 */
	public void stop() {
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

	/**
	 * Starts Writ again on the same port, with the same site and keys; returns when it is
	 * healthy.
	 */
	public void restart() {
		launch();
	}

	/** The last 40 lines of Writ's log. */
	public String log() {
		try {
			List<String> lines = Files.readAllLines(this.site.resolve("writ.log"));
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	public static void sleep(long millis) {
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

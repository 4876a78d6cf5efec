package org.example.payments;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real Writ — {@code target/writ.jar} from the repository root, in its own JVM on a free loopback port — with a
 * site of its own: the demo trust domain, two grants for the checkout workload and one for the payments service
 * to ask Writ's introspection. No mock: the example is tested
 * against the server it documents.
 */
final class WritProcess implements AutoCloseable {

	static final String CHECKOUT = "spiffe://demo.writ.local/ns/shop/sa/checkout";

	/** The payments service's own identity, which may ask Writ's introspection and nothing else. */
	static final String PAYMENTS_SERVICE = "spiffe://demo.writ.local/ns/shop/sa/payments";

	/** The operators' identity, which may revoke at Writ. */
	static final String OPS = "spiffe://demo.writ.local/ns/ops/sa/revoker";

	/** A workload Writ knows but has granted nothing. */
	static final String STRANGER = "spiffe://demo.writ.local/ns/shop/sa/stranger";

	private static final String POLICIES = """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			grants:
			  - id: checkout-pays
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:read, payments:charge]
			  - id: checkout-ships
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://shipping.example.org
			    scopes: [shipping:create]
			  - id: payments-introspects
			    subject: spiffe://demo.writ.local/ns/shop/sa/payments
			    audience: %1$s
			    scopes: [writ:introspect]
			  - id: ops-revokes
			    subject: spiffe://demo.writ.local/ns/ops/sa/revoker
			    audience: %1$s
			    scopes: [writ:revoke]
			""";

	/**
	 * How long a new signing key is published before it signs, here; an hour by default.
	 * Long enough that a loaded machine still exchanges inside the window after the
	 * rotation is seen.
	 */
	static final String PUBLISH_AHEAD = "15s";

	private final Path jar;

	private final Path site;

	private final int port;

	private final Process process;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private WritProcess(Path jar, Path site, int port, Process process) {
		this.jar = jar;
		this.site = site;
		this.port = port;
		this.process = process;
	}

	private static WritProcess shared;

	/** One Writ for every test class of this JVM, stopped when the JVM ends. */
	static synchronized WritProcess shared() {
		if (shared == null) {
			shared = start();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
		}
		return shared;
	}

	private static WritProcess start() {
		Path jar = Path.of(System.getProperty("writ.jar", "../../target/writ.jar")).toAbsolutePath().normalize();
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build Writ first (./mvnw -B verify in the repository root)");
		}
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path site = Files.createTempDirectory("writ-example-");
			Files.createDirectories(site.resolve("policies"));
			Files.writeString(site.resolve("policies/site.yaml"), POLICIES.formatted(issuer(port)));
			List<String> command = java("-jar", jar.toString(), "--server.port=" + port,
					"--writ.issuer=" + issuer(port), "--writ.policies-dir=" + site.resolve("policies"),
					"--writ.keys-dir=" + site.resolve("keys"), "--writ.keys.publish-ahead=" + PUBLISH_AHEAD,
					"--writ.keys.reload-interval=200ms", "--writ.keys.rotation-period=0");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(site.resolve("writ.log").toFile())
				.start();
			WritProcess writ = new WritProcess(jar, site, port, process);
			writ.awaitHealthy();
			return writ;
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
				HttpResponse<String> health = this.http.send(HttpRequest.newBuilder(URI.create(url("/actuator/health"))).build(),
						HttpResponse.BodyHandlers.ofString());
				if (health.statusCode() == 200 && health.body().contains("UP")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			sleep(200);
		}
		close();
		throw new IllegalStateException("Writ did not become healthy in 90s:\n" + log());
	}

	String issuer() {
		return issuer(this.port);
	}

	private static String issuer(int port) {
		return "http://127.0.0.1:" + port;
	}

	String url(String path) {
		return issuer() + path;
	}

	/** A JWT-SVID for {@code spiffeId} from the demo trust domain, as SPIRE would hand it to the workload. */
	String svid(String spiffeId) {
		return cli("dev", "svid", spiffeId, "--audience", issuer(), "--keys", this.site.resolve("keys").toString()).trim();
	}

	/**
	 * A file holding a JWT-SVID for {@code spiffeId} with this Writ as audience, as spiffe-helper keeps one for a
	 * workload: the payments service's identity for its own exchange.
	 */
	Path identityTokenFile(String spiffeId) {
		try {
			Path file = Files.createTempFile(this.site, "identity-", ".jwt");
			Files.writeString(file, svid(spiffeId));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code writ keys rotate} on this Writ's key directory, with its publish-ahead time. */
	String rotateKeys() {
		return cli("keys", "rotate", "--keys", this.site.resolve("keys").toString(), "--publish-ahead", PUBLISH_AHEAD);
	}

	/** Exchanges a subject token for an access token for {@code audience}; fails on anything but 200. */
	String exchange(String subjectToken, String audience, String scope) {
		String body = form(Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token_type",
				"urn:ietf:params:oauth:token-type:jwt", "subject_token", subjectToken, "audience", audience, "scope", scope));
		String answer = post("/oauth2/token", "application/x-www-form-urlencoded", null, body);
		try {
			return (String) JSONObjectUtils.parse(answer).get("access_token");
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Revokes {@code token} at Writ's RFC 7009 endpoint, where the token is its own proof. */
	void revoke(String token) {
		post("/oauth2/revoke", "application/x-www-form-urlencoded", null, form(Map.of("token", token)));
	}

	/** Revokes every token Writ has issued to {@code subject} until now, as an operator would. */
	void revokeSubject(String subject) {
		String ops = exchange(svid(OPS), issuer(), "writ:revoke");
		post("/admin/revocations", "application/json", ops, JSONObjectUtils.toJSONString(Map.of("subject", subject)));
	}

	private static String form(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	/** POSTs to Writ and answers the body; fails on anything but 200. */
	private String post(String path, String contentType, String bearer, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(path + " refused: " + response.statusCode() + " " + response.body());
			}
			return response.body();
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
	 * Points the payments service at this Writ, with {@code spiffeId}'s JWT-SVID as its identity token file.
	 * @return that file
	 */
	Path configure(DynamicPropertyRegistry registry, String spiffeId) {
		Path identity = identityTokenFile(spiffeId);
		registry.add("writ.issuer", this::issuer);
		registry.add("payments.identity-token-file", identity::toString);
		return identity;
	}

	/** The {@code kid}s Writ publishes now. */
	List<String> publishedKids() {
		try {
			HttpResponse<String> jwks = this.http.send(HttpRequest.newBuilder(URI.create(url("/oauth2/jwks"))).build(),
					HttpResponse.BodyHandlers.ofString());
			return com.nimbusds.jose.jwk.JWKSet.parse(jwks.body()).getKeys().stream().map((k) -> k.getKeyID()).toList();
		}
		catch (IOException | java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private String cli(String... args) {
		List<String> command = new ArrayList<>(java("-jar", this.jar.toString()));
		command.addAll(List.of(args));
		try {
			Process cli = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
			String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
				throw new IllegalStateException("writ " + String.join(" ", args) + " failed");
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
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}

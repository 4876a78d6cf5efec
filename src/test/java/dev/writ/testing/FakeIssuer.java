package dev.writ.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real OIDC issuer and SPIFFE bundle endpoint on loopback, for tests: discovery at
 * {@code /.well-known/openid-configuration}, keys at {@code /jwks}, a SPIFFE bundle at
 * {@code /bundle}. It rotates keys, goes down, answers slowly, drips its documents, sends
 * huge or malformed documents and redirects, as a test tells it to.
 */
public final class FakeIssuer implements AutoCloseable {

	/** How the issuer answers key requests. */
	public enum Mode {

		/** Serves its keys. */
		UP,

		/** Answers 503. */
		DOWN,

		/** Answers after three seconds. */
		SLOW,

		/** Sends a 512 KiB document. */
		HUGE,

		/** Sends something that is not JSON. */
		MALFORMED,

		/**
		 * Redirects to another origin (another port on loopback) that serves an
		 * attacker's keys.
		 */
		REDIRECT_AWAY,

		/** Redirects within its own origin. */
		REDIRECT_SAME,

		/** Redirects to itself, again and again, each answer after 400 ms. */
		REDIRECT_SLOWLY,

		/**
		 * Sends its headers at once, then its document one byte every half second (a
		 * minute or more in all).
		 */
		DRIP

	}

	private final HttpServer server;

	private final HttpServer elsewhere;

	private final Clock clock;

	private final List<TestAuthority> keys = new CopyOnWriteArrayList<>();

	private final TestAuthority attacker;

	private final AtomicInteger keyRequests = new AtomicInteger();

	private final java.util.List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final AtomicLong sequence = new AtomicLong(1);

	private final AtomicInteger abandonedDrips = new AtomicInteger();

	private volatile Mode mode = Mode.UP;

	private volatile String issuerOverride;

	private FakeIssuer(Clock clock) throws IOException {
		this.clock = clock;
		this.keys.add(TestAuthority.ec("issuer.test", clock));
		this.attacker = TestAuthority.ec("issuer.test", clock);
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/.well-known/openid-configuration", (ex) -> keysOr(ex, () -> JSONObjectUtils
			.toJSONString(Map.of("issuer", issuerInDiscovery(), "jwks_uri", issuer() + "/jwks"))));
		this.server.createContext("/jwks", (ex) -> keysOr(ex, this::jwks));
		this.server.createContext("/jwks-moved", (ex) -> send(ex, 200, jwks()));
		this.server.createContext("/bundle",
				(ex) -> keysOr(ex, () -> TestAuthority.bundleJson(this.keys, this.sequence.get(), 300)));
		this.elsewhere.createContext("/",
				(ex) -> send(ex, 200, new JWKSet(List.of(this.attacker.oidcPublicKey())).toString(true)));
		this.server.start();
		this.elsewhere.start();
	}

	/** Starts an issuer on a free loopback port. */
	public static FakeIssuer start(Clock clock) {
		try {
			return new FakeIssuer(clock);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Its issuer URL, {@code http://127.0.0.1:<port>}. */
	public String issuer() {
		return "http://" + this.server.getAddress().getAddress().getHostAddress() + ":"
				+ this.server.getAddress().getPort();
	}

	public void mode(Mode mode) {
		this.mode = mode;
	}

	/** Makes discovery name another issuer than the one asked. */
	public void discoveryIssuer(String issuer) {
		this.issuerOverride = issuer;
	}

	/** A new key signs from now on; the old ones stay published. */
	public TestAuthority rotate() {
		TestAuthority next = TestAuthority.ec("issuer.test", this.clock);
		this.keys.add(next);
		return next;
	}

	/** Unpublishes every key but the newest. */
	public void retireOldKeys() {
		TestAuthority newest = current();
		this.keys.retainAll(List.of(newest));
	}

	/** Sets the SPIFFE bundle's sequence number. */
	public void sequence(long sequence) {
		this.sequence.set(sequence);
	}

	/** The key that signs now. */
	public TestAuthority current() {
		return this.keys.get(this.keys.size() - 1);
	}

	/** The key the other origin serves. */
	public TestAuthority attacker() {
		return this.attacker;
	}

	/** A token of this issuer for a subject, signed by the current key. */
	public TestSvid.Builder token(String subject) {
		return current().token(issuer(), subject);
	}

	/** The paths asked for, in order, as sent. */
	public java.util.List<String> paths() {
		return java.util.List.copyOf(this.paths);
	}

	/** How many times its keys (JWKS or bundle) were asked for. */
	public int keyRequests() {
		return this.keyRequests.get();
	}

	/** How many dripped answers the client hung up on before their end. */
	public int abandonedDrips() {
		return this.abandonedDrips.get();
	}

	private String issuerInDiscovery() {
		return (this.issuerOverride != null) ? this.issuerOverride : issuer();
	}

	private String jwks() {
		return new JWKSet(this.keys.stream().map(TestAuthority::oidcPublicKey).toList()).toString(true);
	}

	private void keysOr(HttpExchange exchange, java.util.function.Supplier<String> body) throws IOException {
		this.paths.add(exchange.getRequestURI().getRawPath());
		if (!exchange.getRequestURI().getPath().contains("openid-configuration")) {
			this.keyRequests.incrementAndGet();
		}
		switch (this.mode) {
			case UP -> send(exchange, 200, body.get());
			case DOWN -> send(exchange, 503, "{\"error\":\"down\"}");
			case SLOW -> {
				pause(3000);
				send(exchange, 200, body.get());
			}
			case HUGE -> send(exchange, 200, "{\"keys\":[],\"pad\":\"" + "x".repeat(512 * 1024) + "\"}");
			case MALFORMED -> send(exchange, 200, "{\"keys\": [ this is not json");
			case REDIRECT_AWAY ->
				redirect(exchange, "http://" + this.elsewhere.getAddress().getAddress().getHostAddress() + ":"
						+ this.elsewhere.getAddress().getPort() + "/jwks");
			case REDIRECT_SAME -> redirect(exchange, "/jwks-moved");
			case REDIRECT_SLOWLY -> {
				pause(400);
				redirect(exchange, exchange.getRequestURI().getPath());
			}
			case DRIP -> drip(exchange, body.get());
		}
	}

	private void drip(HttpExchange exchange, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		try (OutputStream out = exchange.getResponseBody()) {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, bytes.length);
			for (byte b : bytes) {
				out.write(b);
				out.flush();
				pause(500);
			}
		}
		catch (IOException ex) {
			this.abandonedDrips.incrementAndGet();
		}
	}

	// The server's own behaviour under test (a slow or dripping issuer), not a test
	// waiting for something.
	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void redirect(HttpExchange exchange, String location) throws IOException {
		exchange.getResponseHeaders().add("Location", location);
		exchange.sendResponseHeaders(302, -1);
		exchange.close();
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.elsewhere.stop(0);
	}

}

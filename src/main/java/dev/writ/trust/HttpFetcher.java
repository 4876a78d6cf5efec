package dev.writ.trust;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Fetches trust documents (OIDC discovery, JWKS, SPIFFE bundles) with every bound a
 * security server needs: https only (plain http only to a loopback address, and only when
 * allowed), a connect timeout, one deadline for the whole fetch (connect, headers, every
 * redirect and the body: a server that drips its bytes cannot hold a fetch longer), a
 * size cap read as the body streams, redirects followed only within the same origin and
 * at most three times. A fetch is only ever driven by configuration, never by a token.
 */
public final class HttpFetcher {

	private static final int MAX_REDIRECTS = 3;

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	// Built at the first fetch: the JDK's TLS context (its classes and the trust store's
	// certificates) costs a start that fetches nothing, such as one trusting SPIFFE
	// domains by their files alone.
	private volatile @Nullable HttpClient client;

	private final Duration connectTimeout;

	private final Duration timeout;

	private final boolean allowLoopbackHttp;

	/**
	 * @param connectTimeout the connect timeout of each connection
	 * @param timeout the deadline of a whole fetch, from the first connect to the last
	 * byte of the last redirect
	 * @param allowLoopbackHttp whether plain http to a loopback address is allowed
	 * (tests, local development)
	 */
	public HttpFetcher(Duration connectTimeout, Duration timeout, boolean allowLoopbackHttp) {
		this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout cannot be null");
		if (!connectTimeout.isPositive()) {
			throw new IllegalArgumentException("connectTimeout must be positive");
		}
		this.timeout = Objects.requireNonNull(timeout, "timeout cannot be null");
		if (!timeout.isPositive()) {
			throw new IllegalArgumentException("timeout must be positive");
		}
		this.allowLoopbackHttp = allowLoopbackHttp;
	}

	private HttpClient client() {
		HttpClient built = this.client;
		if (built == null) {
			synchronized (this) {
				built = this.client;
				if (built == null) {
					built = HttpClient.newBuilder()
						.connectTimeout(this.connectTimeout)
						.followRedirects(HttpClient.Redirect.NEVER)
						.version(HttpClient.Version.HTTP_1_1)
						.build();
					this.client = built;
				}
			}
		}
		return built;
	}

	/** Whether plain http to loopback is allowed. */
	public boolean allowLoopbackHttp() {
		return this.allowLoopbackHttp;
	}

	/**
	 * Fetches a JSON document within the deadline: connecting, every redirect hop and the
	 * whole body together take no longer than the timeout, however slowly the server
	 * answers or drips its bytes.
	 * @param uri what to fetch
	 * @param maxBytes the largest body accepted
	 * @return the body
	 * @throws HttpTimeoutException if the deadline passed first
	 * @throws IOException on any other failure, with a message that names the URL and the
	 * reason, never the body
	 */
	public String get(URI uri, int maxBytes) throws IOException {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		URI target = uri;
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			urlProblem(target, this.allowLoopbackHttp).ifPresent((problem) -> {
				throw new IllegalArgumentException(problem);
			});
			HttpResponse<byte[]> response = send(uri, target, maxBytes, deadline);
			int status = response.statusCode();
			if (status >= 300 && status < 400) {
				URI next = response.headers()
					.firstValue("Location")
					.map(target::resolve)
					.orElseThrow(() -> new IOException(uri + ": redirect without a Location"));
				if (!sameOrigin(target, next)) {
					throw new IOException(uri + ": redirect to another origin refused");
				}
				target = next;
				continue;
			}
			if (status != 200) {
				throw new IOException(uri + ": HTTP " + status);
			}
			return new String(response.body(), StandardCharsets.UTF_8);
		}
		throw new IOException(uri + ": more than " + MAX_REDIRECTS + " redirects");
	}

	// Not HttpRequest.timeout: that bounds the wait for the headers only. The wait on the
	// future bounds the body too.
	private HttpResponse<byte[]> send(URI uri, URI target, int maxBytes, long deadline) throws IOException {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			throw timedOut(uri);
		}
		HttpRequest request = HttpRequest.newBuilder(target).header("Accept", "application/json").GET().build();
		CompletableFuture<HttpResponse<byte[]>> response = client().sendAsync(request,
				CappedBody.handler(uri, maxBytes));
		try {
			return response.get(remaining, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw timedOut(uri);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(target + ": interrupted");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null)
					? wrapped.getCause() : ex.getCause();
			if (cause == null) {
				cause = ex;
			}
			if (cause instanceof CappedBody.TooLargeException tooLarge) {
				throw tooLarge;
			}
			throw new IOException(target + ": " + cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : ""));
		}
		finally {
			// However the wait ended, an exchange still under way is aborted: its
			// connection is closed, not left to
			// drip into a buffer nobody reads.
			response.cancel(true);
		}
	}

	private HttpTimeoutException timedOut(URI uri) {
		return new HttpTimeoutException(uri + ": no complete response within " + this.timeout.toMillis() + " ms");
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
				&& a.getHost().equalsIgnoreCase(String.valueOf(b.getHost())) && port(a) == port(b);
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
	}

	/**
	 * Why a URL may not be fetched or trusted as an issuer, if it may not: it must be
	 * https (or http to a loopback address when allowed), with a host, and with no user
	 * info, query or fragment.
	 */
	public static Optional<String> urlProblem(URI uri, boolean allowLoopbackHttp) {
		if (!uri.isAbsolute() || uri.getHost() == null) {
			return Optional.of(uri + " must be an absolute URL with a host");
		}
		if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
			return Optional.of(uri + " must have no user info, query or fragment");
		}
		if ("https".equalsIgnoreCase(uri.getScheme())) {
			return Optional.empty();
		}
		if ("http".equalsIgnoreCase(uri.getScheme()) && allowLoopbackHttp && isLoopbackLiteral(uri.getHost())) {
			return Optional.empty();
		}
		if (allowLoopbackHttp) {
			return Optional.of(uri + " must be https (or http to a loopback address)");
		}
		return Optional.of(uri + " must be https" + ("http".equalsIgnoreCase(uri.getScheme()) && isLoopbackLiteral(
				uri.getHost()) ? " (http to a loopback address, for a local issuer such as a "
						+ "development Keycloak: set writ.trust.allow-loopback-http=true, or --allow-loopback-http to "
						+ "the policy commands)" : ""));
	}

	/**
	 * Whether a host is {@code localhost}, a dotted-quad IPv4 literal or a bracketed IPv6
	 * literal of a loopback address. Names other than {@code localhost} are never
	 * resolved for this.
	 */
	public static boolean isLoopbackLiteral(String host) {
		if ("localhost".equalsIgnoreCase(host)) {
			return true;
		}
		String literal;
		if (IPV4.matcher(host).matches()) {
			literal = host;
		}
		else if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")
				&& host.substring(1, host.length() - 1)
					.chars()
					.allMatch((c) -> Character.digit(c, 16) >= 0 || c == ':')) {
			literal = host.substring(1, host.length() - 1);
		}
		else {
			return false;
		}
		try {
			return InetAddress.getByName(literal).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}

package dev.writ.trust;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches trust documents (OIDC discovery, JWKS, SPIFFE bundles) with every bound a security server needs: https
 * only (plain http only to a loopback address, and only when allowed), connect and request timeouts, a size cap
 * read as the body streams, redirects followed only within the same origin and at most three times. A fetch is
 * only ever driven by configuration, never by a token.
 */
public final class HttpFetcher {

	private static final int MAX_REDIRECTS = 3;

	private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private final HttpClient client;

	private final Duration timeout;

	private final boolean allowLoopbackHttp;

	/**
	 * @param connectTimeout the connect timeout
	 * @param timeout the timeout of the whole request
	 * @param allowLoopbackHttp whether plain http to a loopback address is allowed (tests, local development)
	 */
	public HttpFetcher(Duration connectTimeout, Duration timeout, boolean allowLoopbackHttp) {
		this.client = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		this.timeout = Objects.requireNonNull(timeout, "timeout cannot be null");
		this.allowLoopbackHttp = allowLoopbackHttp;
	}

	/** Whether plain http to loopback is allowed. */
	public boolean allowLoopbackHttp() {
		return this.allowLoopbackHttp;
	}

	/**
	 * Fetches a JSON document.
	 * @param uri what to fetch
	 * @param maxBytes the largest body accepted
	 * @return the body
	 * @throws IOException on any failure, with a message that names the URL and the reason, never the body
	 */
	public String get(URI uri, int maxBytes) throws IOException {
		URI target = uri;
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			urlProblem(target, this.allowLoopbackHttp).ifPresent((problem) -> {
				throw new IllegalArgumentException(problem);
			});
			HttpResponse<InputStream> response = send(target);
			int status = response.statusCode();
			if (status >= 300 && status < 400) {
				response.body().close();
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
			try (InputStream body = response.body()) {
				if (status != 200) {
					throw new IOException(uri + ": HTTP " + status);
				}
				long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
				if (declared > maxBytes) {
					throw new IOException(uri + ": document larger than " + maxBytes + " bytes");
				}
				byte[] bytes = body.readNBytes(maxBytes + 1);
				if (bytes.length > maxBytes) {
					throw new IOException(uri + ": document larger than " + maxBytes + " bytes");
				}
				return new String(bytes, StandardCharsets.UTF_8);
			}
		}
		throw new IOException(uri + ": more than " + MAX_REDIRECTS + " redirects");
	}

	private HttpResponse<InputStream> send(URI target) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(target)
			.timeout(this.timeout)
			.header("Accept", "application/json")
			.GET()
			.build();
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(target + ": interrupted");
		}
		catch (IOException ex) {
			throw new IOException(target + ": " + ex.getClass().getSimpleName()
					+ (ex.getMessage() != null ? ": " + ex.getMessage() : ""));
		}
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
				&& a.getHost().equalsIgnoreCase(String.valueOf(b.getHost())) && port(a) == port(b);
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
	}

	/**
	 * Why a URL may not be fetched or trusted as an issuer, if it may not: it must be https (or http to a loopback
	 * address when allowed), with a host, and with no user info, query or fragment.
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
		return Optional.of(uri + " must be https" + (allowLoopbackHttp ? " (or http to a loopback address)" : ""));
	}

	/**
	 * Whether a host is {@code localhost}, a dotted-quad IPv4 literal or a bracketed IPv6 literal of a loopback
	 * address. Names other than {@code localhost} are never resolved for this.
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
				&& host.substring(1, host.length() - 1).chars().allMatch((c) -> Character.digit(c, 16) >= 0 || c == ':')) {
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

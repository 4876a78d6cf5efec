package dev.writ.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which URLs a workload may send its identity to: {@code https}, or {@code http} to
 * loopback.
 */
final class Endpoints {

	private static final Pattern LOOPBACK_V4 = Pattern
		.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

	private Endpoints() {
	}

	/**
	 * Refuses a URL that is not absolute {@code https} (or {@code http} to a loopback
	 * address, {@code 127.0.0.0/8} or {@code [::1]}, where the request does not leave the
	 * machine), or that carries user information or a fragment. The name
	 * {@code localhost} is not taken for loopback: a resolver may answer otherwise.
	 */
	static URI check(URI url, String what) {
		return check(url, what, false);
	}

	/**
	 * As {@link #check(URI, String)}, and with {@code plainHttp}, {@code http} to any
	 * host.
	 */
	static URI check(URI url, String what, boolean plainHttp) {
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		String host = url.getHost();
		if (!url.isAbsolute() || host == null || host.isEmpty()) {
			throw new IllegalArgumentException(what + " is not an absolute URL with a host");
		}
		if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
			throw new IllegalArgumentException(what + " must not carry user information or a fragment");
		}
		if (!scheme.equals("https") && !(scheme.equals("http") && (plainHttp || isLoopback(host)))) {
			throw new IllegalArgumentException(
					what + " must be https (http only to 127.0.0.1 or [::1]): " + describe(url));
		}
		return url;
	}

	/** A URL of a configuration, checked; refused without echoing it when it is none. */
	static URI parse(String url, String what) {
		return parse(url, what, false);
	}

	static URI parse(String url, String what, boolean plainHttp) {
		try {
			return check(new URI(url), what, plainHttp);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(
					what + " is not a URL (" + ex.getReason() + " at index " + ex.getIndex() + ")");
		}
	}

	static boolean isLoopback(String host) {
		return host.equals("[::1]") || LOOPBACK_V4.matcher(host).matches();
	}

	/**
	 * RFC 8414 §3.1: the metadata of {@code issuer}, its path after the well-known
	 * prefix.
	 */
	static URI metadata(URI issuer) {
		String path = (issuer.getRawPath() != null) ? issuer.getRawPath() : "";
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority()
				+ "/.well-known/oauth-authorization-server" + path);
	}

	/**
	 * The URL for a message: scheme, host, port and path, without user information or
	 * query, which may carry a credential.
	 */
	static String describe(URI url) {
		if (url.getHost() == null) {
			return "a URL without a host";
		}
		return url.getScheme() + "://" + url.getHost() + ((url.getPort() >= 0) ? ":" + url.getPort() : "")
				+ ((url.getRawPath() != null) ? url.getRawPath() : "") + ((url.getRawQuery() != null) ? "?…" : "");
	}

}

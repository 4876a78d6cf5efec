package dev.writ.client;

import java.net.URI;
import java.util.Locale;

/**
 * Which URLs a workload may send its identity to: {@code https}, or {@code http} to
 * loopback.
 */
final class Endpoints {

	private Endpoints() {
	}

	/**
	 * Refuses a URL that is not absolute {@code https} (or {@code http} to
	 * {@code localhost}, {@code 127.0.0.0/8} or {@code [::1]}, where the request does not
	 * leave the machine), or that carries user information or a fragment.
	 */
	static URI check(URI url, String what) {
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		String host = url.getHost();
		if (!url.isAbsolute() || host == null || host.isEmpty()) {
			throw new IllegalArgumentException(what + " is not an absolute URL with a host: " + withoutQuery(url));
		}
		if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
			throw new IllegalArgumentException(what + " must not carry user information or a fragment");
		}
		if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(host))) {
			throw new IllegalArgumentException(
					what + " must be https (http only to a loopback address): " + withoutQuery(url));
		}
		return url;
	}

	static boolean isLoopback(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		return name.equals("localhost") || name.equals("[::1]") || name.matches("127(\\.\\d{1,3}){3}");
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

	/** The URL for a message: without its query, which may carry a credential. */
	static String withoutQuery(URI url) {
		String text = url.toString();
		int query = text.indexOf('?');
		return (query < 0) ? text : text.substring(0, query) + "?…";
	}

}

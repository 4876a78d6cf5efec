package dev.writ.spring.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.writ.client.TokenRequest;
import org.jspecify.annotations.Nullable;

/**
 * Which outgoing calls carry a Writ token, and which token: a call whose URL starts with
 * a target's base URL gets that target's. A base URL is matched on scheme, host and port
 * exactly, and on its path at a segment boundary ({@code https://a/api} covers
 * {@code https://a/api/x}, not {@code https://a/apix}); the longest match wins. Any other
 * call is left as it is: a token never leaves for a host no target names.
 */
final class WritTargets {

	private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)(\\.|%2e){1,2}(/|;|$)|;",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern LOOPBACK = Pattern.compile("127(\\.[0-9]{1,3}){3}|\\[::1\\]");

	private record Base(String scheme, String host, int port, String path, TokenRequest request) {

		boolean covers(URI url) {
			if (url.getScheme() == null || url.getHost() == null || !url.getScheme().equalsIgnoreCase(this.scheme)
					|| !url.getHost().equalsIgnoreCase(this.host) || effectivePort(url) != this.port) {
				return false;
			}
			String path = (url.getRawPath() != null) ? url.getRawPath() : "";
			// A path the server would resolve elsewhere (/api/../admin, %2e%2e, ..;) is
			// no target's.
			if (DOT_SEGMENT.matcher(path).find()) {
				return false;
			}
			return this.path.isEmpty() || path.equals(this.path) || path.startsWith(this.path + "/");
		}

	}

	private final List<Base> bases;

	private WritTargets(List<Base> bases) {
		this.bases = List.copyOf(bases);
	}

	/**
	 * The targets of the properties.
	 * @throws IllegalStateException naming every problem
	 */
	static WritTargets of(Map<String, WritClientProperties.Target> targets, Optional<String> defaultAudience) {
		List<String> problems = new ArrayList<>();
		List<Base> bases = new ArrayList<>();
		Map<String, String> claimed = new java.util.HashMap<>();
		targets.forEach((name, target) -> {
			String where = "writ.client.targets." + name;
			String audience = (target.audience() != null) ? target.audience() : defaultAudience.orElse(null);
			if (audience == null) {
				problems.add(where + ".audience: the audience to ask Writ for");
				return;
			}
			if (target.baseUrls().isEmpty()) {
				problems.add(where + ".base-urls: the URLs of the calls that carry its token");
			}
			TokenRequest request;
			try {
				request = TokenRequest.of(audience, target.scopes());
			}
			catch (IllegalArgumentException ex) {
				problems.add(where + ": " + ex.getMessage());
				return;
			}
			for (URI url : target.baseUrls()) {
				String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
				String host = url.getHost();
				if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
					problems.add(where + ".base-urls: '" + url + "' is not an http(s) URL with a host");
					continue;
				}
				if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
					problems.add(where + ".base-urls: '" + url + "' has user information, a query or a fragment");
					continue;
				}
				if (scheme.equals("http") && !LOOPBACK.matcher(host).matches() && !target.allowPlainHttp()) {
					problems.add(where + ".base-urls: '" + url
							+ "' would send the token in the clear: use https, or set " + where + ".allow-plain-http");
					continue;
				}
				String path = (url.getRawPath() != null) ? url.getRawPath().replaceAll("/+$", "") : "";
				String key = scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + effectivePort(url) + path;
				String other = claimed.putIfAbsent(key, name);
				if (other != null) {
					problems.add(where + ".base-urls: '" + url + "' is writ.client.targets." + other + "'s too");
					continue;
				}
				bases.add(new Base(scheme, host.toLowerCase(Locale.ROOT), effectivePort(url), path, request));
			}
		});
		if (!problems.isEmpty()) {
			throw new IllegalStateException("Writ's client settings:\n  " + String.join("\n  ", problems));
		}
		return new WritTargets(bases);
	}

	/** The token request for a call to {@code url}, if a target covers it. */
	Optional<TokenRequest> requestFor(URI url) {
		@Nullable Base best = null;
		for (Base base : this.bases) {
			if (base.covers(url) && (best == null || base.path().length() > best.path().length())) {
				best = base;
			}
		}
		return Optional.ofNullable(best).map(Base::request);
	}

	private static int effectivePort(URI url) {
		if (url.getPort() >= 0) {
			return url.getPort();
		}
		return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
	}

}

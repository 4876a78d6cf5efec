package dev.writ.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import dev.writ.trust.HttpFetcher;

/**
 * The issuer Writ takes when {@code writ.issuer} is unset: the URL of the address and
 * port it is configured to listen on, never a request's {@code Host} header. A loopback
 * address is named {@code localhost}, so the embedded default is
 * {@code http://localhost:8080} and {@code --server.port=18081} alone gives
 * {@code http://localhost:18081}. The server and the command line derive it here, from
 * the same settings.
 */
public final class ListeningIssuer {

	private ListeningIssuer() {
	}

	/**
	 * The issuer Writ takes: {@code writ.issuer} where it is set, else the one derived
	 * from where it listens.
	 * @param configured {@code writ.issuer}, or null where it is unset
	 * @param settings a setting's value by its property name ({@code server.port}), or
	 * null where it is unset
	 */
	public static Derived issuer(@Nullable String configured, UnaryOperator<String> settings) {
		return (configured != null) ? new Derived(Optional.of(configured), Optional.empty()) : derive(settings);
	}

	/**
	 * The issuer Writ would take from where it listens, or why it cannot take one.
	 * @param settings a setting's value by its property name ({@code server.port}), or
	 * null where it is unset
	 */
	public static Derived derive(UnaryOperator<String> settings) {
		String portSetting = settings.apply("server.port");
		int port;
		try {
			port = (portSetting == null || portSetting.isBlank()) ? 8080 : Integer.parseInt(portSetting.trim());
		}
		catch (NumberFormatException ex) {
			return Derived.problem("server.port is not a number");
		}
		if (port == 0) {
			return Derived.problem("writ.issuer is unset and server.port=0 picks a port only at start-up: set "
					+ "writ.issuer to the URL clients reach Writ at");
		}
		String address = settings.apply("server.address");
		String host;
		if (address == null || address.isBlank() || isWildcard(address.trim())) {
			return Derived.problem("writ.issuer is unset and Writ listens on every interface, which names no host: set "
					+ "writ.issuer to the URL clients reach Writ at");
		}
		address = address.trim();
		host = (address.contains(":") && !address.startsWith("[")) ? "[" + address + "]" : address;
		if (HttpFetcher.isLoopbackLiteral(host)) {
			host = "localhost";
		}
		String scheme = tls(settings) ? "https" : "http";
		boolean defaultPort = ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
		return new Derived(Optional.of(scheme + "://" + host + (defaultPort ? "" : ":" + port)), Optional.empty());
	}

	/**
	 * Why a configured issuer on loopback names another port than Writ listens on, if it
	 * does: metadata then advertises endpoints nobody answers at, and tokens minted for
	 * the port actually reached are refused.
	 */
	public static Optional<String> portMismatch(String issuer, UnaryOperator<String> settings) {
		URI uri;
		try {
			uri = new URI(issuer);
		}
		catch (URISyntaxException ex) {
			return Optional.empty();
		}
		String portSetting = settings.apply("server.port");
		if (uri.getHost() == null || !HttpFetcher.isLoopbackLiteral(uri.getHost()) || portSetting == null) {
			return Optional.empty();
		}
		int listening;
		try {
			listening = Integer.parseInt(portSetting.trim());
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
		int named = (uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
		if (listening == 0 || listening == named) {
			return Optional.empty();
		}
		return Optional.of("writ.issuer " + issuer + " names port " + named + " on loopback, but Writ listens on "
				+ listening + ": metadata advertises endpoints on " + named + ", and a subject token whose audience is "
				+ "this port's URL is refused unless writ.audiences names it. Unset writ.issuer to take the listening "
				+ "address, or set it to the URL clients use");
	}

	/** Whether Writ serves TLS with these settings. */
	static boolean tls(UnaryOperator<String> settings) {
		String enabled = settings.apply("server.ssl.enabled");
		return !"false".equalsIgnoreCase((enabled != null) ? enabled.trim() : "true")
				&& (settings.apply("server.ssl.bundle") != null || settings.apply("server.ssl.certificate") != null
						|| settings.apply("server.ssl.key-store") != null);
	}

	private static boolean isWildcard(String address) {
		String bare = (address.startsWith("[") && address.endsWith("]")) ? address.substring(1, address.length() - 1)
				: address;
		return "0.0.0.0".equals(bare) || bare.chars().allMatch((c) -> c == ':' || c == '0');
	}

	/**
	 * An issuer derived from the listening address, or why none could be.
	 *
	 * @param issuer the issuer, when one could be derived
	 * @param problem why none could be, as a start-up problem
	 */
	public record Derived(Optional<String> issuer, Optional<String> problem) {

		static Derived problem(String problem) {
			return new Derived(Optional.empty(), Optional.of(problem));
		}

	}

}

package dev.writ.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.core.env.Environment;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

import dev.writ.keys.KeyAlgorithm;
import dev.writ.request.ParameterSyntax;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.SubjectTokenVerifier;

/** Checks {@link WritProperties} at start-up and lists every problem at once. */
final class WritSettingsCheck {

	private WritSettingsCheck() {
	}

	/** Every problem with the settings; empty when they are sound. */
	static List<String> problems(WritProperties properties) {
		List<String> problems = new ArrayList<>();
		if (properties.issuer() != null) {
			issuerProblem(properties.issuer(), properties.allowPlainHttp()).ifPresent(problems::add);
		}
		WritProperties.Exchanges exchanges = properties.exchanges();
		if (exchanges.concurrency() != null && (exchanges.concurrency() < 1 || exchanges.concurrency() > 10_000)) {
			problems
				.add("writ.exchanges.concurrency must be between 1 and 10000 (it is " + exchanges.concurrency() + ")");
		}
		if (exchanges.maxQueueWait().isNegative() || exchanges.maxQueueWait().compareTo(Duration.ofMinutes(1)) > 0) {
			problems.add("writ.exchanges.max-queue-wait must be between 0s and 1m (it is "
					+ show(exchanges.maxQueueWait()) + ")");
		}
		Duration skew = properties.clockSkew();
		if (skew.isNegative() || skew.compareTo(SubjectTokenVerifier.MAX_SKEW) > 0) {
			problems.add("writ.clock-skew must be between 0s and 60s (it is " + show(skew) + ")");
		}
		Duration defaultTtl = properties.token().defaultTtl();
		Duration maxTtl = properties.token().maxTtl();
		if (maxTtl.isNegative() || maxTtl.isZero() || maxTtl.compareTo(Duration.ofHours(24)) > 0) {
			problems.add("writ.token.max-ttl must be more than 0s and at most 24h (it is " + show(maxTtl) + ")");
		}
		if (defaultTtl.isNegative() || defaultTtl.isZero() || defaultTtl.compareTo(maxTtl) > 0) {
			problems.add("writ.token.default-ttl (" + show(defaultTtl) + ") must be more than 0s and at most "
					+ "writ.token.max-ttl (" + show(maxTtl) + ")");
		}
		try {
			KeyAlgorithm.parse(properties.keys().algorithm());
		}
		catch (IllegalArgumentException ex) {
			problems.add("writ.keys.algorithm: " + ex.getMessage());
		}
		WritProperties.Keys keys = properties.keys();
		Duration leastRetire = properties.token().maxTtl().plus(properties.clockSkew());
		if (keys.publishAhead().isNegative()) {
			problems.add("writ.keys.publish-ahead must be 0 or more");
		}
		if (keys.retireAfter() != null && keys.retireAfter().compareTo(leastRetire) < 0) {
			problems.add("writ.keys.retire-after (" + show(keys.retireAfter())
					+ ") must be at least writ.token.max-ttl " + "plus writ.clock-skew (" + show(leastRetire)
					+ "): a retired key must stay published until every token it signed " + "has expired");
		}
		if (keys.rotationPeriod().isNegative() || (!keys.rotationPeriod().isZero() && keys.rotationPeriod()
			.compareTo(keys.publishAhead()
				.plus(keys.retireAfter(properties.token().maxTtl(), properties.clockSkew()))) < 0)) {
			problems.add("writ.keys.rotation-period (" + show(keys.rotationPeriod()) + ") must be 0 (off) or at least "
					+ "writ.keys.publish-ahead plus writ.keys.retire-after ("
					+ show(keys.publishAhead()
						.plus(keys.retireAfter(properties.token().maxTtl(), properties.clockSkew())))
					+ "), so that at most three keys are published at once");
		}
		if (keys.reloadInterval().isNegative()) {
			problems.add("writ.keys.reload-interval must be 0 (off) or more");
		}
		else if (!keys.reloadInterval().isZero() && keys.reloadInterval().compareTo(keys.publishAhead()) >= 0) {
			problems.add("writ.keys.reload-interval (" + show(keys.reloadInterval()) + ") must be shorter than "
					+ "writ.keys.publish-ahead (" + show(keys.publishAhead()) + "), or every node would "
					+ "not have published a new key before it signs");
		}
		for (String network : properties.metrics().allowedNetworks()) {
			try {
				new IpAddressMatcher(network);
			}
			catch (IllegalArgumentException ex) {
				problems.add("writ.metrics.allowed-networks: not an address or CIDR network: " + network);
			}
		}
		if (properties.policiesReloadInterval().isNegative()) {
			problems.add("writ.policies-reload-interval must be 0 (off) or more");
		}
		if (!Set.of("memory", "redis").contains(properties.store().type())) {
			problems.add("writ.store.type must be memory or redis");
		}
		if (properties.store().memoryMaxEntries() < 1000) {
			problems.add("writ.store.memory-max-entries must be at least 1000");
		}
		WritProperties.Trust trust = properties.trust();
		if (!trust.connectTimeout().isPositive() || !trust.timeout().isPositive()) {
			problems.add("writ.trust.connect-timeout and writ.trust.timeout must be positive");
		}
		// Each runs a schedule or spaces fetches: zero or less has no meaning, and would
		// fail the start with an exception rather than a line here.
		if (!trust.refreshInterval().isPositive() || !trust.minRefetchInterval().isPositive()
				|| !trust.retryInterval().isPositive()) {
			problems.add("writ.trust.refresh-interval, writ.trust.min-refetch-interval and writ.trust.retry-interval "
					+ "must be positive");
		}
		if (trust.maxStale().compareTo(trust.refreshInterval()) <= 0) {
			problems.add("writ.trust.max-stale (" + show(trust.maxStale()) + ") must be longer than "
					+ "writ.trust.refresh-interval (" + show(trust.refreshInterval()) + ")");
		}
		if (trust.minRefetchInterval().compareTo(trust.refreshInterval()) > 0) {
			problems.add("writ.trust.min-refetch-interval (" + show(trust.minRefetchInterval()) + ") must not exceed "
					+ "writ.trust.refresh-interval (" + show(trust.refreshInterval()) + ")");
		}
		if (trust.verifiedCacheSize() < 0 || trust.verifiedCacheSize() > 1_000_000) {
			problems.add("writ.trust.verified-cache-size must be between 0 (off) and 1000000");
		}
		for (String audience : properties.audiences()) {
			if (!ParameterSyntax.isAudience(audience)) {
				problems.add("writ.audiences: each audience must be printable ASCII without spaces");
			}
		}
		return problems;
	}

	// A duration as a setting is written: 90s, 5m, 1h; a fraction of a second in
	// milliseconds.
	private static String show(Duration duration) {
		return (duration.toNanosPart() % 1_000_000_000 != 0 || (duration.isPositive() && duration.toSeconds() == 0))
				? duration.toMillis() + "ms" : dev.writ.policy.Durations.format(duration);
	}

	/**
	 * Why an issuer identifier is unacceptable (RFC 8414 §2: https, no query, no
	 * fragment), if it is.
	 */
	static Optional<String> issuerProblem(String issuer, boolean allowPlainHttp) {
		URI uri;
		try {
			uri = new URI(issuer);
		}
		catch (URISyntaxException ex) {
			return Optional.of("writ.issuer is not a URL");
		}
		if (!uri.isAbsolute() || uri.getHost() == null) {
			return Optional.of("writ.issuer must be an absolute URL with a host");
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
			return Optional.of("writ.issuer must have no query, fragment or user info");
		}
		if (issuer.endsWith("/")) {
			return Optional.of("writ.issuer must not end with '/'");
		}
		if ("https".equals(uri.getScheme())) {
			return Optional.empty();
		}
		if ("http".equals(uri.getScheme()) && (allowPlainHttp || HttpFetcher.isLoopbackLiteral(uri.getHost()))) {
			return Optional.empty();
		}
		return Optional.of("writ.issuer must be an https URL (plain http only on a loopback host, or with "
				+ "writ.allow-plain-http)");
	}

	/**
	 * Why the client address Writ would see could be forged, if it could: forwarded
	 * headers are believed only from proxies the operator names. Spring Boot's own list
	 * of internal proxies is every private address, so on a cluster network any workload
	 * could claim to be another ({@code X-Forwarded-For: 127.0.0.1}) and pass
	 * {@code writ.metrics.allowed-networks}; the {@code framework} strategy believes
	 * everyone.
	 */
	static Optional<String> forwardedHeadersProblem(Environment environment) {
		String strategy = environment.getProperty("server.forward-headers-strategy", "none").trim();
		if ("none".equalsIgnoreCase(strategy)) {
			return Optional.empty();
		}
		if ("native".equalsIgnoreCase(strategy)) {
			String proxies = environment.getProperty("server.tomcat.remoteip.internal-proxies");
			return (proxies != null && !proxies.isBlank()) ? Optional.empty()
					: Optional.of("server.forward-headers-strategy=native believes X-Forwarded-For from every private "
							+ "address: name the proxies in front of Writ in server.tomcat.remoteip.internal-proxies "
							+ "(a regular expression of their addresses)");
		}
		return Optional.of("server.forward-headers-strategy=" + strategy + " believes X-Forwarded-For from any client: "
				+ "use native with server.tomcat.remoteip.internal-proxies naming the proxies in front of Writ, or none");
	}

	/**
	 * Why Writ may not listen as configured, if it may not: without TLS it listens on
	 * loopback only, unless {@code writ.allow-plain-http} says a TLS-terminating proxy or
	 * a demo network stands in front of it.
	 */
	static Optional<String> transportProblem(Environment environment, boolean allowPlainHttp) {
		if (ListeningIssuer.tls(environment::getProperty) || allowPlainHttp) {
			return Optional.empty();
		}
		String address = environment.getProperty("server.address");
		if (address != null && !address.isBlank()) {
			String host = (address.contains(":") && !address.startsWith("[")) ? "[" + address + "]" : address;
			if (HttpFetcher.isLoopbackLiteral(host)) {
				return Optional.empty();
			}
		}
		return Optional.of("plain http on " + ((address == null || address.isBlank()) ? "every interface" : address)
				+ ": serve TLS (server.ssl.bundle, see docs/configuration.md), listen on loopback only "
				+ "(server.address=127.0.0.1), or set writ.allow-plain-http=true where a TLS-terminating proxy or a "
				+ "demo network stands in front of Writ");
	}

}

package dev.writ.trust;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.spiffe.spiffeid.TrustDomain;

import org.jspecify.annotations.Nullable;

/**
 * Builds trust sources from configuration. Remote keys are fetched lazily, on first use;
 * Workload API connections are opened at once when the factory is {@code live} (the
 * server), never when it is not ({@code policy check}), and are shared by every source
 * that names the same address.
 */
public final class TrustFactory implements AutoCloseable {

	private final HttpFetcher http;

	private final RemoteKeys.RefreshPolicy policy;

	private final Clock clock;

	private final Executor executor;

	private final boolean live;

	private final Map<String, WorkloadApiConnection> connections = new ConcurrentHashMap<>();

	// Remote keys outlive a policy reload when their source is configured the same: a
	// reload neither refetches nor,
	// during an issuer's outage, forgets the last good keys.
	private final Map<String, RemoteKeys> remotes = new ConcurrentHashMap<>();

	/**
	 * @param http fetches remote documents
	 * @param policy how remote keys are kept fresh
	 * @param clock the clock
	 * @param executor runs background refreshes
	 * @param live whether to connect to Workload APIs (false: build and check only)
	 */
	public TrustFactory(HttpFetcher http, RemoteKeys.RefreshPolicy policy, Clock clock, Executor executor,
			boolean live) {
		this.http = Objects.requireNonNull(http, "http cannot be null");
		this.policy = Objects.requireNonNull(policy, "policy cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.executor = Objects.requireNonNull(executor, "executor cannot be null");
		this.live = live;
	}

	/** Whether plain http to loopback addresses is allowed for issuers and endpoints. */
	public boolean allowLoopbackHttp() {
		return this.http.allowLoopbackHttp();
	}

	/** A trust domain whose bundle is the given document (a file). */
	public SpiffeSource spiffeBundle(TrustDomain trustDomain, String bundleJson) {
		return new SpiffeSource(trustDomain,
				new StaticKeys(SpiffeBundle.parse(trustDomain, bundleJson).authorities(), this.clock.instant()));
	}

	/** A trust domain whose bundle is served by a SPIFFE bundle endpoint (https_web). */
	public SpiffeSource spiffeEndpoint(TrustDomain trustDomain, URI endpoint) {
		return new SpiffeSource(trustDomain, remote("bundle-endpoint " + trustDomain.getName() + " " + endpoint,
				trustDomain.toIdString(), () -> RemoteLoaders.bundleEndpoint(trustDomain, endpoint, this.http)));
	}

	/**
	 * A trust domain whose bundle comes from a SPIFFE agent's Workload API at
	 * {@code unix:///path} or {@code tcp://ip:port}. A live factory connects at once, so
	 * the first exchange finds the bundles waiting.
	 * @throws IllegalArgumentException if the address is not a Workload API address
	 */
	public SpiffeSource spiffeWorkloadApi(TrustDomain trustDomain, String address) {
		if (!address.startsWith("unix:///") && !address.startsWith("tcp://")) {
			throw new IllegalArgumentException("a Workload API address is unix:///path or tcp://ip:port");
		}
		if (this.live) {
			connection(address);
		}
		return new SpiffeSource(trustDomain, new KeyProvider() {

			@Override
			public KeySet keys(@Nullable String kid) {
				return connection(address).keys(trustDomain);
			}

			@Override
			public SourceHealth health() {
				WorkloadApiConnection connection = TrustFactory.this.connections.get(address);
				return (connection != null) ? connection.health(trustDomain)
						: new SourceHealth(SourceHealth.State.UNKNOWN, Optional.empty(), Optional.empty());
			}

		});
	}

	/** An OIDC issuer whose keys are the given JWK set (a file). */
	public OidcSource oidcJwks(String name, String issuer, Set<String> audiences, String jwksJson) {
		return new OidcSource(name, issuer, audiences,
				new StaticKeys(RemoteLoaders.signingKeys(jwksJson, "the JWKS of " + name), this.clock.instant()));
	}

	/** An OIDC issuer whose keys are at a JWKS URL. */
	public OidcSource oidcJwksUrl(String name, String issuer, Set<String> audiences, URI jwks) {
		return new OidcSource(name, issuer, audiences,
				remote("jwks " + name + " " + issuer + " " + jwks, name, () -> RemoteLoaders.jwks(jwks, this.http)));
	}

	/** An OIDC issuer whose keys are found by OIDC discovery. */
	public OidcSource oidcDiscovery(String name, String issuer, Set<String> audiences) {
		return new OidcSource(name, issuer, audiences,
				remote("discovery " + name + " " + issuer, name, () -> RemoteLoaders.discovery(issuer, this.http)));
	}

	private RemoteKeys remote(String configuration, String name, Supplier<RemoteKeys.Loader> loader) {
		return this.remotes.computeIfAbsent(configuration,
				(c) -> new RemoteKeys(name, loader.get(), this.policy, this.clock, this.executor));
	}

	private WorkloadApiConnection connection(String address) {
		if (!this.live) {
			throw new KeysUnavailableException("Workload API connections are not opened here");
		}
		return this.connections.computeIfAbsent(address, (a) -> WorkloadApiConnection.open(a, this.clock));
	}

	@Override
	public void close() {
		this.connections.values().forEach(WorkloadApiConnection::close);
		this.connections.clear();
	}

}

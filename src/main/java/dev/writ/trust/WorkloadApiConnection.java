package dev.writ.trust;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.spiffe.bundle.jwtbundle.JwtBundle;
import io.spiffe.bundle.jwtbundle.JwtBundleSet;
import io.spiffe.bundle.x509bundle.X509BundleSet;
import io.spiffe.exception.SocketEndpointAddressException;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.jspecify.annotations.Nullable;

import dev.writ.audit.LogText;

/**
 * A watch on the JWT bundles of a local SPIFFE agent's Workload API (FetchJWTBundles):
 * its own trust domain's and every federated one's, pushed by the agent whenever they
 * change and swapped in whole; and, on a stream of its own, their X.509 authorities
 * (FetchX509Bundles), which verify X.509-SVIDs over mutual TLS. java-spiffe's client
 * reconnects with backoff when the agent goes away. Only trust domains that a policy
 * entry names are trusted.
 */
final class WorkloadApiConnection implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkloadApiConnection.class);

	private final String address;

	private final Clock clock;

	private final WorkloadApiClient client;

	private volatile @Nullable Map<TrustDomain, KeySet> bundles;

	// The X.509 authorities come on a stream of their own (FetchX509Bundles): until it
	// answers, or while it fails, X.509-SVIDs of these trust domains are refused.
	private volatile Map<TrustDomain, List<X509Certificate>> x509Authorities = Map.of();

	private volatile @Nullable Instant lastUpdate;

	private volatile @Nullable String lastError;

	private WorkloadApiConnection(String address, Clock clock, WorkloadApiClient client) {
		this.address = address;
		this.clock = clock;
		this.client = client;
	}

	/**
	 * Connects to the Workload API at {@code address} ({@code unix:///path} or
	 * {@code tcp://ip:port}) and watches.
	 */
	static WorkloadApiConnection open(String address, Clock clock) {
		WorkloadApiClient client;
		try {
			client = DefaultWorkloadApiClient
				.newClient(DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(address).build());
		}
		catch (SocketEndpointAddressException ex) {
			throw new IllegalArgumentException("not a Workload API address: " + ex.getMessage());
		}
		WorkloadApiConnection connection = new WorkloadApiConnection(address, clock, client);
		client.watchJwtBundles(connection.new BundleWatcher());
		client.watchX509Bundles(connection.new X509BundleWatcher());
		return connection;
	}

	/** The keys of a trust domain as the agent last sent them. */
	KeySet keys(TrustDomain trustDomain) {
		Map<TrustDomain, KeySet> current = this.bundles;
		if (current == null) {
			throw new KeysUnavailableException("no bundles from the Workload API at " + this.address + " yet"
					+ ((this.lastError != null) ? "; last error: " + this.lastError : ""));
		}
		KeySet keys = current.get(trustDomain);
		if (keys == null) {
			throw new KeysUnavailableException(
					"the Workload API at " + this.address + " has no bundle for " + trustDomain.getName());
		}
		return keys.withX509Authorities(this.x509Authorities.getOrDefault(trustDomain, List.of()));
	}

	SourceHealth health(TrustDomain trustDomain) {
		Map<TrustDomain, KeySet> current = this.bundles;
		Optional<String> error = Optional.ofNullable(this.lastError);
		if (current == null) {
			return new SourceHealth(error.isPresent() ? SourceHealth.State.DOWN : SourceHealth.State.UNKNOWN,
					Optional.empty(), error);
		}
		if (!current.containsKey(trustDomain)) {
			return new SourceHealth(SourceHealth.State.DOWN, Optional.ofNullable(this.lastUpdate),
					Optional.of("no bundle for " + trustDomain.getName()));
		}
		// The agent pushes changes; between pushes its last bundles are current unless
		// the stream broke.
		return new SourceHealth(error.isPresent() ? SourceHealth.State.STALE : SourceHealth.State.UP,
				Optional.ofNullable(this.lastUpdate), error);
	}

	@Override
	public void close() {
		try {
			this.client.close();
		}
		catch (Exception ex) {
			logger.debug("Closing the Workload API client of {} failed", this.address, ex);
		}
	}

	private static Map<TrustDomain, KeySet> convert(JwtBundleSet set) {
		Map<TrustDomain, KeySet> converted = new LinkedHashMap<>();
		for (Map.Entry<TrustDomain, JwtBundle> bundle : set.getBundles().entrySet()) {
			Map<String, VerificationKey> keys = new HashMap<>();
			for (Map.Entry<String, PublicKey> authority : bundle.getValue().getJwtAuthorities().entrySet()) {
				try {
					keys.put(authority.getKey(), VerificationKey.of(jwk(authority.getKey(), authority.getValue())));
				}
				catch (IllegalArgumentException ex) {
					logger.warn("Workload API: key {} of {} skipped: {}", LogText.safe(authority.getKey()),
							bundle.getKey().getName(), LogText.safe(ex.getMessage()));
				}
			}
			converted.put(bundle.getKey(), KeySet.ofVerificationKeys(keys));
		}
		return converted;
	}

	private static JWK jwk(String kid, PublicKey key) {
		if (key instanceof ECPublicKey ec) {
			return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyID(kid).build();
		}
		if (key instanceof RSAPublicKey rsa) {
			return new RSAKey.Builder(rsa).keyID(kid).build();
		}
		throw new IllegalArgumentException("key type " + key.getAlgorithm() + " is not supported (EC or RSA)");
	}

	private final class X509BundleWatcher implements Watcher<X509BundleSet> {

		@Override
		public void onUpdate(X509BundleSet update) {
			Map<TrustDomain, List<X509Certificate>> converted = new LinkedHashMap<>();
			update.getBundles()
				.forEach((domain, bundle) -> converted.put(domain,
						bundle.getX509Authorities().stream().filter(SpiffeBundle::signsCertificates).toList()));
			WorkloadApiConnection.this.x509Authorities = Map.copyOf(converted);
			logger.info("Workload API at {}: X.509 authorities of {}", WorkloadApiConnection.this.address,
					converted.keySet().stream().map(TrustDomain::getName).sorted().toList());
		}

		@Override
		public void onError(Throwable error) {
			logger.warn("Workload API at {}: X.509 bundles failed: {}", WorkloadApiConnection.this.address,
					LogText.safe(error.getClass().getSimpleName()
							+ ((error.getMessage() != null) ? ": " + error.getMessage() : "")));
		}

	}

	private final class BundleWatcher implements Watcher<JwtBundleSet> {

		@Override
		public void onUpdate(JwtBundleSet update) {
			Map<TrustDomain, KeySet> converted = convert(update);
			WorkloadApiConnection.this.bundles = Map.copyOf(converted);
			WorkloadApiConnection.this.lastUpdate = WorkloadApiConnection.this.clock.instant();
			WorkloadApiConnection.this.lastError = null;
			logger.info("Workload API at {}: bundles of {}", WorkloadApiConnection.this.address,
					converted.keySet().stream().map(TrustDomain::getName).sorted().toList());
		}

		@Override
		public void onError(Throwable error) {
			WorkloadApiConnection.this.lastError = error.getClass().getSimpleName()
					+ ((error.getMessage() != null) ? ": " + error.getMessage() : "");
			logger.warn("Workload API at {} failed: {}", WorkloadApiConnection.this.address,
					LogText.safe(WorkloadApiConnection.this.lastError));
		}

	}

}

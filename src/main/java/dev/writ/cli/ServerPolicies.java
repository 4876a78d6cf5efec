package dev.writ.cli;

import java.nio.file.Path;
import java.time.Clock;

import dev.writ.config.ServerSettings;
import dev.writ.config.WritProperties;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicySet;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.trust.TrustFactory;

/**
 * The policies the server would load with these settings, loaded by the server's own
 * loader, fetching nothing and connecting to nothing. Closing them closes their trust
 * sources.
 */
final class ServerPolicies implements AutoCloseable {

	private final Path directory;

	private final TrustFactory trust;

	private final PolicySet set;

	private ServerPolicies(Path directory, TrustFactory trust, PolicySet set) {
		this.directory = directory;
		this.trust = trust;
		this.set = set;
	}

	/**
	 * Loads {@code writ.policies-dir} with the server's token lifetimes and trust
	 * settings.
	 * @throws PolicyException listing every problem, as the server would refuse them
	 */
	static ServerPolicies load(ServerSettings settings, Clock clock) {
		WritProperties properties = settings.properties();
		TrustFactory trust = settings.offlineTrustFactory(clock);
		try {
			PolicyLoader loader = new PolicyLoader(trust, properties.keysDir(), properties.token().defaultTtl(),
					properties.token().maxTtl());
			return new ServerPolicies(properties.policiesDir(), trust, loader.load(properties.policiesDir()));
		}
		catch (RuntimeException ex) {
			trust.close();
			throw ex;
		}
	}

	Path directory() {
		return this.directory;
	}

	PolicySet set() {
		return this.set;
	}

	@Override
	public void close() {
		this.trust.close();
	}

}

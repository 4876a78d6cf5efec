package dev.writ.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.spiffe.spiffeid.TrustDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.keys.DemoAuthority;
import dev.writ.keys.KeyConfigurationException;
import dev.writ.policy.DemoEntry;
import dev.writ.policy.PolicyException;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.PolicyProblem;
import dev.writ.policy.PolicySet;

/**
 * The server's step before policies go into force: the key of each {@code demo: true}
 * trust domain that has none yet is generated, and the policies are loaded again to trust
 * it. Loading itself only reads, so that {@code policy check} and the other commands that
 * load policies never write into {@code keys/}.
 */
final class DemoKeys {

	private static final Logger logger = LoggerFactory.getLogger(DemoKeys.class);

	private DemoKeys() {
	}

	/**
	 * Loads {@code policies}, generating the demo keys they need first.
	 * @throws PolicyException for every problem of the policies, or of a demo key that
	 * could not be generated
	 */
	static PolicySet load(PolicyLoader loader, Path policies, Path keys) {
		PolicySet set = loader.load(policies);
		List<DemoEntry> unready = set.demoEntries().stream().filter((demo) -> !demo.keyReady()).toList();
		if (unready.isEmpty()) {
			return set;
		}
		List<PolicyProblem> problems = new ArrayList<>();
		for (DemoEntry demo : unready) {
			DemoAuthority authority = DemoAuthority.of(keys, TrustDomain.parse(demo.trustDomain()));
			try {
				authority.ensure();
				logger.info("Generated the key of demo trust domain {} ({}) for its entry at {}", demo.trustDomain(),
						authority.keyFile(), demo.where());
			}
			catch (KeyConfigurationException ex) {
				ex.problems()
					.forEach((p) -> problems
						.add(new PolicyProblem(demo.file(), demo.line(), "demo trust domain: " + p)));
			}
		}
		if (!problems.isEmpty()) {
			throw new PolicyException(problems);
		}
		return loader.load(policies);
	}

}

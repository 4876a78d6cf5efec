package dev.writ.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

import io.spiffe.spiffeid.TrustDomain;

import dev.writ.policy.PolicyStore;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.RemoteKeys;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustFactory;
import dev.writ.trust.TrustSet;

/** Trust for tests, built through the same factory the server uses. */
public final class TestTrust {

	private TestTrust() {
	}

	/**
	 * A policy store that loads {@code policies}, trusting what they say with the test
	 * trust factory, its demo and bundle keys under {@code keys}.
	 */
	public static PolicyStore store(Path policies, Path keys) {
		return new PolicyStore(
				() -> new PolicyLoader(factory(Clock.systemUTC()), keys, Duration.ofMinutes(5), Duration.ofHours(1))
					.load(policies),
				policies);
	}

	/**
	 * A factory that connects to no Workload API, allows http to loopback, and refreshes
	 * in the caller's thread.
	 */
	public static TrustFactory factory(Clock clock) {
		return factory(clock, true);
	}

	/**
	 * The same, allowing http to loopback only if {@code allowLoopbackHttp}, as the
	 * server's default does not.
	 */
	public static TrustFactory factory(Clock clock, boolean allowLoopbackHttp) {
		return new TrustFactory(new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(2), allowLoopbackHttp),
				RemoteKeys.RefreshPolicy.defaults(), clock, Runnable::run, false);
	}

	/** Trust in the trust domains of these authorities, by their bundles. */
	public static TrustSet spiffe(Clock clock, TestAuthority... authorities) {
		TrustFactory factory = factory(clock);
		return TrustSet.of(Arrays.stream(authorities)
			.map((a) -> factory.spiffeBundle(TrustDomain.parse(a.trustDomain()), a.bundleJson()))
			.toList());
	}

	/** A verifier for the default test audience, with no skew. */
	public static SubjectTokenVerifier verifier(Clock clock) {
		return new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), Duration.ZERO, clock);
	}

}

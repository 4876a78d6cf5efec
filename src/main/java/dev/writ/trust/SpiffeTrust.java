package dev.writ.trust;

import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.spiffe.spiffeid.TrustDomain;

/** The SPIFFE trust domains Writ trusts, each with its bundle: one immutable snapshot, swapped whole. */
public final class SpiffeTrust {

	private static final SpiffeTrust EMPTY = new SpiffeTrust(Map.of());

	private final Map<TrustDomain, SpiffeBundle> bundles;

	private SpiffeTrust(Map<TrustDomain, SpiffeBundle> bundles) {
		this.bundles = Map.copyOf(bundles);
	}

	/** Trust in exactly these bundles; two bundles for one trust domain are a programming error. */
	public static SpiffeTrust of(Collection<SpiffeBundle> bundles) {
		return new SpiffeTrust(bundles.stream().collect(Collectors.toMap(SpiffeBundle::trustDomain, Function.identity())));
	}

	/** Trust in nothing. */
	public static SpiffeTrust empty() {
		return EMPTY;
	}

	/** Whether the trust domain is trusted. */
	public boolean trusts(TrustDomain trustDomain) {
		return this.bundles.containsKey(trustDomain);
	}

	SpiffeBundle bundle(TrustDomain trustDomain) {
		return this.bundles.get(trustDomain);
	}

}

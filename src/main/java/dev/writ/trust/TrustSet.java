package dev.writ.trust;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.spiffe.spiffeid.TrustDomain;

/**
 * Every trust source Writ believes: one immutable snapshot, swapped whole. A token
 * reaches exactly one source: the OIDC source whose issuer is its {@code iss}, else the
 * SPIFFE source of its {@code sub}'s trust domain.
 */
public final class TrustSet {

	private static final TrustSet EMPTY = new TrustSet(Map.of(), Map.of());

	private final Map<TrustDomain, SpiffeSource> spiffe;

	private final Map<String, OidcSource> oidcByIssuer;

	private TrustSet(Map<TrustDomain, SpiffeSource> spiffe, Map<String, OidcSource> oidcByIssuer) {
		// Insertion order kept: health and logs list sources as the policy files do.
		this.spiffe = Collections.unmodifiableMap(new LinkedHashMap<>(spiffe));
		this.oidcByIssuer = Collections.unmodifiableMap(new LinkedHashMap<>(oidcByIssuer));
	}

	/**
	 * Trust in exactly these sources.
	 * @throws IllegalArgumentException if two sources could claim the same token (one
	 * trust domain or issuer twice)
	 */
	public static TrustSet of(List<? extends TrustSource> sources) {
		Map<TrustDomain, SpiffeSource> spiffe = new LinkedHashMap<>();
		Map<String, OidcSource> oidc = new LinkedHashMap<>();
		for (TrustSource source : sources) {
			boolean clash = switch (source) {
				case SpiffeSource s -> spiffe.putIfAbsent(s.trustDomain(), s) != null;
				case OidcSource o -> oidc.putIfAbsent(o.issuer(), o) != null;
			};
			if (clash) {
				throw new IllegalArgumentException("two sources claim the tokens of " + source.id());
			}
		}
		return new TrustSet(spiffe, oidc);
	}

	/** Trust in nothing. */
	public static TrustSet empty() {
		return EMPTY;
	}

	/** Whether the trust domain is trusted. */
	public boolean trusts(TrustDomain trustDomain) {
		return this.spiffe.containsKey(trustDomain);
	}

	/** Every source, SPIFFE first. */
	public List<TrustSource> sources() {
		List<TrustSource> all = new ArrayList<>(this.spiffe.values());
		all.addAll(this.oidcByIssuer.values());
		return all;
	}

	/**
	 * The source with this id: {@code spiffe://<trust domain>} or an OIDC entry's name.
	 */
	public Optional<TrustSource> source(String id) {
		return sources().stream().filter((s) -> s.id().equals(id)).findFirst();
	}

	Optional<OidcSource> oidc(String issuer) {
		return Optional.ofNullable(this.oidcByIssuer.get(issuer));
	}

	Optional<SpiffeSource> spiffe(TrustDomain trustDomain) {
		return Optional.ofNullable(this.spiffe.get(trustDomain));
	}

}

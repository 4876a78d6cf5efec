package dev.writ.trust;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import org.jspecify.annotations.Nullable;

/**
 * An immutable set of verification keys by {@code kid}: one version of an issuer's or
 * trust domain's keys. A trust domain's set holds its X.509 authorities too, so that one
 * bundle's two kinds of authority are swapped together, never one without the other.
 */
public final class KeySet {

	private static final KeySet EMPTY = new KeySet(Map.of(), List.of());

	private final Map<String, VerificationKey> keys;

	private final List<X509Certificate> x509Authorities;

	private KeySet(Map<String, VerificationKey> keys, List<X509Certificate> x509Authorities) {
		this.keys = Map.copyOf(keys);
		this.x509Authorities = List.copyOf(x509Authorities);
	}

	static KeySet empty() {
		return EMPTY;
	}

	/**
	 * The keys of a JWK set that {@code use} selects. Keys without a {@code kid} are
	 * skipped when {@code kidRequired} is false, and are a problem when it is true.
	 * @throws TrustConfigurationException listing every problem
	 */
	static KeySet of(JWKSet set, Predicate<JWK> use, boolean kidRequired) {
		List<String> problems = new ArrayList<>();
		Map<String, VerificationKey> keys = new LinkedHashMap<>();
		for (JWK key : set.getKeys()) {
			if (key.isPrivate()) {
				// Trust material must never carry identity material, whatever the key is
				// for.
				problems.add("a key holds private material; trust material must be public keys only");
				continue;
			}
			if (!use.test(key)) {
				continue;
			}
			String kid = key.getKeyID();
			if (kid == null || kid.isBlank()) {
				if (kidRequired) {
					problems.add("a key has no kid");
				}
				continue;
			}
			if (keys.containsKey(kid)) {
				problems.add("two keys share the kid " + kid);
				continue;
			}
			try {
				keys.put(kid, VerificationKey.of(key));
			}
			catch (IllegalArgumentException ex) {
				problems.add("key " + kid + ": " + ex.getMessage());
			}
		}
		if (!problems.isEmpty()) {
			throw new TrustConfigurationException(problems);
		}
		return new KeySet(keys, List.of());
	}

	/** A key set of public keys already checked elsewhere (the Workload API's). */
	static KeySet ofVerificationKeys(Map<String, VerificationKey> keys) {
		return new KeySet(keys, List.of());
	}

	/** The same keys, with these X.509 authorities (a SPIFFE bundle's). */
	KeySet withX509Authorities(List<X509Certificate> authorities) {
		return new KeySet(this.keys, authorities);
	}

	/**
	 * The X.509 authorities that X.509-SVIDs chain to: a trust domain's, empty for an
	 * OIDC issuer's keys.
	 */
	public List<X509Certificate> x509Authorities() {
		return this.x509Authorities;
	}

	@Nullable VerificationKey get(String kid) {
		return this.keys.get(kid);
	}

	/** The {@code kid}s. */
	public Set<String> keyIds() {
		return this.keys.keySet();
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof KeySet that) && this.keys.keySet().equals(that.keys.keySet())
				&& this.x509Authorities.equals(that.x509Authorities)
				&& this.keys.entrySet()
					.stream()
					.allMatch((e) -> that.keys.containsKey(e.getKey())
							&& e.getValue().key().equals(that.keys.get(e.getKey()).key()));
	}

	@Override
	public int hashCode() {
		return this.keys.keySet().hashCode();
	}

}

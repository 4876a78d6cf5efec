package dev.writ.trust;

import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.spiffe.spiffeid.TrustDomain;

/**
 * The JWT authorities of one SPIFFE trust domain, parsed from a SPIFFE bundle (SPIFFE Trust Domain and Bundle
 * §4): a JWK set whose {@code jwt-svid} keys verify JWT-SVIDs. Immutable; a changed bundle is a new value.
 *
 * <p>java-spiffe's {@code JwtBundle.parse} refuses real bundles (their {@code x509-svid} entries carry no
 * {@code kid}), so the JWK set is read with nimbus and filtered here.
 */
public final class SpiffeBundle {

	static final KeyUse JWT_SVID = new KeyUse("jwt-svid");

	private final TrustDomain trustDomain;

	private final Map<String, Authority> authorities;

	private final OptionalLong sequence;

	private final Optional<Duration> refreshHint;

	private SpiffeBundle(TrustDomain trustDomain, Map<String, Authority> authorities, OptionalLong sequence,
			Optional<Duration> refreshHint) {
		this.trustDomain = trustDomain;
		this.authorities = Map.copyOf(authorities);
		this.sequence = sequence;
		this.refreshHint = refreshHint;
	}

	/**
	 * Parses a SPIFFE bundle document.
	 * @param trustDomain the trust domain the bundle belongs to
	 * @param json the bundle, a JWK set
	 * @return the bundle
	 * @throws TrustConfigurationException listing every problem found
	 */
	public static SpiffeBundle parse(TrustDomain trustDomain, String json) {
		Objects.requireNonNull(trustDomain, "trustDomain cannot be null");
		JWKSet set;
		try {
			set = JWKSet.parse(json);
		}
		catch (ParseException ex) {
			throw new TrustConfigurationException(List.of("not a JWK set: " + ex.getMessage()));
		}
		List<String> problems = new ArrayList<>();
		Map<String, Authority> authorities = new LinkedHashMap<>();
		for (JWK key : set.getKeys()) {
			if (key.isPrivate()) {
				// Trust material must never carry identity material.
				problems.add("a key holds private material; a bundle must hold public keys only");
				continue;
			}
			if (!JWT_SVID.equals(key.getKeyUse())) {
				continue; // x509-svid authorities: for mutual TLS, not for JWT-SVIDs
			}
			String kid = key.getKeyID();
			if (kid == null || kid.isBlank()) {
				problems.add("a jwt-svid key has no kid");
				continue;
			}
			if (authorities.containsKey(kid)) {
				problems.add("two jwt-svid keys share the kid " + kid);
				continue;
			}
			try {
				authorities.put(kid, Authority.of(key));
			}
			catch (IllegalArgumentException | JOSEException ex) {
				problems.add("jwt-svid key " + kid + ": " + ex.getMessage());
			}
		}
		if (!problems.isEmpty()) {
			throw new TrustConfigurationException(problems);
		}
		Map<String, Object> members = set.getAdditionalMembers();
		return new SpiffeBundle(trustDomain, authorities, longMember(members, "spiffe_sequence"),
				longMember(members, "spiffe_refresh_hint").stream().mapToObj(Duration::ofSeconds).findFirst());
	}

	private static OptionalLong longMember(Map<String, Object> members, String name) {
		return (members.get(name) instanceof Number number) ? OptionalLong.of(number.longValue()) : OptionalLong.empty();
	}

	public TrustDomain trustDomain() {
		return this.trustDomain;
	}

	/** The {@code kid}s of the JWT authorities. */
	public java.util.Set<String> keyIds() {
		return this.authorities.keySet();
	}

	/** The bundle's {@code spiffe_sequence}, if it has one. */
	public OptionalLong sequence() {
		return this.sequence;
	}

	/** The bundle's {@code spiffe_refresh_hint}, if it has one. */
	public Optional<Duration> refreshHint() {
		return this.refreshHint;
	}

	Authority authority(String kid) {
		return this.authorities.get(kid);
	}

	/** One JWT authority with its verifier, built once when the bundle is parsed. */
	record Authority(JWK key, JWSVerifier verifier) {

		static Authority of(JWK key) throws JOSEException {
			if (key instanceof ECKey ec) {
				return new Authority(key, new ECDSAVerifier(ec));
			}
			if (key instanceof RSAKey rsa) {
				if (rsa.size() < 2048) {
					throw new IllegalArgumentException("RSA keys must have at least 2048 bits");
				}
				return new Authority(key, new RSASSAVerifier(rsa));
			}
			throw new IllegalArgumentException("key type " + key.getKeyType() + " is not supported (EC or RSA)");
		}

		/** Whether this key may verify a signature made with {@code alg}. */
		boolean accepts(JWSAlgorithm alg) {
			return (this.key.getAlgorithm() == null || this.key.getAlgorithm().equals(alg))
					&& this.verifier.supportedJWSAlgorithms().contains(alg);
		}

	}

}

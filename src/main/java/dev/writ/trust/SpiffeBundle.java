package dev.writ.trust;

import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.spiffe.spiffeid.TrustDomain;

/**
 * A SPIFFE bundle (SPIFFE Trust Domain and Bundle §4): the JWT authorities
 * ({@code use: jwt-svid}) that verify JWT-SVIDs, the X.509 authorities
 * ({@code use: x509-svid}) kept for mutual TLS, and the bundle's sequence number and
 * refresh hint. Immutable; a changed bundle is a new value.
 *
 * <p>
 * java-spiffe's {@code JwtBundle.parse} refuses real bundles (their {@code x509-svid}
 * entries carry no {@code kid}), so the JWK set is read with nimbus and filtered here.
 */
public final class SpiffeBundle {

	static final KeyUse JWT_SVID = new KeyUse("jwt-svid");

	static final KeyUse X509_SVID = new KeyUse("x509-svid");

	private final TrustDomain trustDomain;

	// The JWT authorities, with the X.509 authorities beside them.
	private final KeySet authorities;

	private final OptionalLong sequence;

	private final Optional<Duration> refreshHint;

	private SpiffeBundle(TrustDomain trustDomain, KeySet authorities, OptionalLong sequence,
			Optional<Duration> refreshHint) {
		this.trustDomain = trustDomain;
		this.authorities = authorities;
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
		catch (ParseException | RuntimeException ex) {
			// The JOSE library answers a JSON null with a NullPointerException: a bad
			// bundle all the same.
			throw new TrustConfigurationException(
					List.of("not a JWK set" + ((ex instanceof ParseException) ? ": " + ex.getMessage() : "")));
		}
		List<String> problems = new ArrayList<>();
		List<X509Certificate> x509 = x509Authorities(set, problems);
		KeySet jwt = null;
		try {
			jwt = KeySet.of(set, (key) -> JWT_SVID.equals(key.getKeyUse()), true);
		}
		catch (TrustConfigurationException ex) {
			problems.addAll(0, ex.problems());
		}
		if (jwt == null || !problems.isEmpty()) {
			throw new TrustConfigurationException(problems);
		}
		Map<String, Object> members = set.getAdditionalMembers();
		return new SpiffeBundle(trustDomain, jwt.withX509Authorities(x509), longMember(members, "spiffe_sequence"),
				longMember(members, "spiffe_refresh_hint").stream().mapToObj(Duration::ofSeconds).findFirst());
	}

	// SPIFFE Trust Domain and Bundle §4.2.2: an x509-svid entry's x5c holds exactly one
	// certificate, the authority; Writ takes it only if it may sign certificates.
	private static List<X509Certificate> x509Authorities(JWKSet set, List<String> problems) {
		List<X509Certificate> authorities = new ArrayList<>();
		for (JWK key : set.getKeys()) {
			if (!X509_SVID.equals(key.getKeyUse())) {
				continue;
			}
			List<X509Certificate> chain = key.getParsedX509CertChain();
			if (chain == null || chain.size() != 1) {
				problems.add("an x509-svid authority must hold exactly one certificate in x5c");
				continue;
			}
			X509Certificate authority = chain.get(0);
			if (!signsCertificates(authority)) {
				problems.add("an x509-svid authority is not a CA certificate that may sign certificates");
				continue;
			}
			authorities.add(authority);
		}
		return authorities;
	}

	/** Whether a certificate is a CA's that may sign certificates: an X.509 authority. */
	static boolean signsCertificates(X509Certificate authority) {
		boolean[] usage = authority.getKeyUsage();
		return authority.getBasicConstraints() >= 0 && (usage == null || (usage.length > 5 && usage[5]));
	}

	private static OptionalLong longMember(Map<String, Object> members, String name) {
		return (members.get(name) instanceof Number number) ? OptionalLong.of(number.longValue())
				: OptionalLong.empty();
	}

	public TrustDomain trustDomain() {
		return this.trustDomain;
	}

	/**
	 * The JWT authorities, which carry the X.509 authorities too: what a trust source
	 * holds of its bundle.
	 */
	public KeySet authorities() {
		return this.authorities;
	}

	/** The {@code kid}s of the JWT authorities. */
	public Set<String> keyIds() {
		return this.authorities.keyIds();
	}

	/** The X.509 authorities, for mutual TLS. */
	public List<X509Certificate> x509Authorities() {
		return this.authorities.x509Authorities();
	}

	/** The bundle's {@code spiffe_sequence}, if it has one. */
	public OptionalLong sequence() {
		return this.sequence;
	}

	/** The bundle's {@code spiffe_refresh_hint}, if it has one. */
	public Optional<Duration> refreshHint() {
		return this.refreshHint;
	}

}

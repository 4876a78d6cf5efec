package dev.writ.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A SPIFFE trust domain's JWT authority for tests: a key generated per test run (never a
 * committed one), the SPIFFE bundle that publishes it, and a builder of JWT-SVIDs it
 * signs.
 */
public final class TestAuthority {

	/** The {@code use} of a JWT authority in a SPIFFE bundle. */
	public static final KeyUse JWT_SVID = new KeyUse("jwt-svid");

	private final String trustDomain;

	private final JWK key;

	private final Clock clock;

	private @Nullable TestSpiffeCa x509;

	private TestAuthority(String trustDomain, JWK key, Clock clock) {
		this.trustDomain = trustDomain;
		this.key = key;
		this.clock = clock;
	}

	/** An authority with a fresh P-256 key. */
	public static TestAuthority ec(String trustDomain, Clock clock) {
		return new TestAuthority(trustDomain, generateEc(), clock);
	}

	/** An authority with a fresh 2048-bit RSA key. */
	public static TestAuthority rsa(String trustDomain, Clock clock) {
		try {
			return new TestAuthority(trustDomain,
					new RSAKeyGenerator(2048).keyUse(JWT_SVID).keyIDFromThumbprint(true).generate(), clock);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Another authority of the same trust domain whose key has this one's {@code kid}: an
	 * impostor.
	 */
	public TestAuthority impostor() {
		try {
			JWK other = (this.key instanceof RSAKey)
					? new RSAKeyGenerator(2048).keyUse(JWT_SVID).keyID(kid()).generate()
					: new ECKeyGenerator(Curve.P_256).keyUse(JWT_SVID).keyID(kid()).generate();
			return new TestAuthority(this.trustDomain, other, this.clock);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JWK generateEc() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyUse(JWT_SVID).keyIDFromThumbprint(true).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String trustDomain() {
		return this.trustDomain;
	}

	public String kid() {
		return this.key.getKeyID();
	}

	/** The private key; for tests that build a token by hand. */
	public JWK privateKey() {
		return this.key;
	}

	/** The natural algorithm of the key. */
	public JWSAlgorithm algorithm() {
		return (this.key instanceof RSAKey) ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
	}

	/** The trust domain's X.509 authority, made on first use; its bundle publishes it. */
	public synchronized TestSpiffeCa x509() {
		if (this.x509 == null) {
			this.x509 = TestSpiffeCa.create(this.trustDomain);
		}
		return this.x509;
	}

	/**
	 * The SPIFFE bundle as SPIRE serves it: this authority's key as {@code jwt-svid},
	 * plus the trust domain's X.509 authority as an {@code x509-svid} entry without
	 * {@code kid}, which real bundles have and which java-spiffe's own parser chokes on.
	 */
	public String bundleJson() {
		List<JWK> keys = new ArrayList<>();
		keys.add(this.key.toPublicJWK());
		keys.add(x509().bundleEntry());
		return new JWKSet(keys, Map.of("spiffe_sequence", 7, "spiffe_refresh_hint", 300)).toString(true);
	}

	/**
	 * A SPIFFE bundle of these authorities' keys with the given sequence number and
	 * refresh hint (seconds).
	 */
	public static String bundleJson(java.util.Collection<TestAuthority> authorities, long sequence, long refreshHint) {
		List<JWK> keys = new ArrayList<>();
		authorities.forEach((a) -> keys.add(a.key.toPublicJWK()));
		return new JWKSet(keys, Map.of("spiffe_sequence", sequence, "spiffe_refresh_hint", refreshHint)).toString(true);
	}

	/** The public key as an OIDC issuer publishes it: {@code use: sig}. */
	public JWK oidcPublicKey() {
		try {
			Map<String, Object> json = new java.util.LinkedHashMap<>(this.key.toPublicJWK().toJSONObject());
			json.put("use", "sig");
			return JWK.parse(json);
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A token by this key for any subject and issuer (an OIDC issuer's token), valid for
	 * five minutes.
	 */
	public TestSvid.Builder token(String issuer, String subject) {
		return TestSvid.builder(this, subject, this.clock).claim("iss", issuer);
	}

	/** Writes the bundle to a file and returns it. */
	public Path writeBundle(Path file) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, bundleJson());
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A JWT-SVID for a path of this trust domain, valid for five minutes from the clock's
	 * now.
	 */
	public TestSvid.Builder svid(String path) {
		return TestSvid.builder(this, "spiffe://" + this.trustDomain + path, this.clock);
	}

}

package dev.writ.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;

/**
 * The signing authority of a local demo SPIFFE trust domain, so a newcomer can try an
 * exchange with no SPIRE.
 *
 * <p>
 * Its private key lives in {@code keys/demo/<trust domain>.pem} (identity material: it
 * mints JWT-SVIDs) and its public SPIFFE bundle in
 * {@code keys/trust/<trust domain>.bundle.json} (trust material: what Writ verifies
 * against). Writ reads only the bundle to verify; only {@code dev svid} reads the private
 * key. Anyone who can read that key can mint identities of the demo trust domain, so it
 * is for trying Writ out, never for production.
 */
public final class DemoAuthority {

	private static final KeyUse JWT_SVID = new KeyUse("jwt-svid");

	private final Path keyFile;

	private final Path bundleFile;

	private final TrustDomain trustDomain;

	private DemoAuthority(Path keysDirectory, TrustDomain trustDomain) {
		this.trustDomain = trustDomain;
		this.keyFile = keysDirectory.resolve("demo").resolve(trustDomain.getName() + ".pem");
		this.bundleFile = keysDirectory.resolve("trust").resolve(trustDomain.getName() + ".bundle.json");
	}

	/**
	 * The demo authority of a trust domain, with its key files under
	 * {@code keysDirectory}.
	 */
	public static DemoAuthority of(Path keysDirectory, TrustDomain trustDomain) {
		return new DemoAuthority(Objects.requireNonNull(keysDirectory, "keysDirectory cannot be null"),
				Objects.requireNonNull(trustDomain, "trustDomain cannot be null"));
	}

	/** Where the private key of the demo trust domain is. */
	public Path keyFile() {
		return this.keyFile;
	}

	/** Where the public bundle of the demo trust domain is. */
	public Path bundleFile() {
		return this.bundleFile;
	}

	/**
	 * Generates the demo key if there is none, and writes the bundle that matches it.
	 * @return whether a new key was generated
	 */
	public boolean ensure() {
		try {
			boolean generated = false;
			if (!Files.exists(this.keyFile)) {
				KeyFiles.writePrivate(this.keyFile, KeyFiles.pem(KeyAlgorithm.ES256.generate().getPrivate()));
				generated = true;
			}
			String bundle = bundleJson(KeyAlgorithm.jwk(KeyFiles.read(this.keyFile), JWT_SVID));
			if (!Files.exists(this.bundleFile) || !Files.readString(this.bundleFile).equals(bundle)) {
				KeyFiles.writePublic(this.bundleFile, bundle);
			}
			return generated;
		}
		catch (IOException | GeneralSecurityException | JOSEException ex) {
			throw new KeyConfigurationException(List.of(this.keyFile + ": " + ex.getMessage()));
		}
	}

	/**
	 * Mints a JWT-SVID (SPIFFE JWT-SVID §3) of the demo trust domain.
	 * @param spiffeId the subject, a member of the demo trust domain
	 * @param audiences the {@code aud} values
	 * @param ttl how long it is valid
	 * @param clock the clock
	 * @return the serialized JWT-SVID
	 */
	public String mintSvid(SpiffeId spiffeId, List<String> audiences, Duration ttl, Clock clock) {
		String[] minted = new String[1];
		mintSvids(spiffeId, audiences, ttl, clock, 1, (svid) -> minted[0] = svid);
		return minted[0];
	}

	/**
	 * Mints {@code count} distinct JWT-SVIDs (each its own {@code jti}) of the demo trust
	 * domain, loading the key once: for load tests.
	 */
	public void mintSvids(SpiffeId spiffeId, List<String> audiences, Duration ttl, Clock clock, int count,
			Consumer<String> out) {
		if (!spiffeId.memberOf(this.trustDomain)) {
			throw new IllegalArgumentException(spiffeId + " is not in the demo trust domain " + this.trustDomain);
		}
		// Minting only reads the key: Writ generates it, with its bundle, for a demo
		// entry of its policies. A minter
		// given keys/demo alone, read-only (the compose file's identity container),
		// writes nothing.
		if (!Files.isRegularFile(this.keyFile)) {
			throw new KeyConfigurationException(List
				.of("no demo key " + this.keyFile + ": Writ generates it for a " + "demo entry of its policies"));
		}
		SigningKey key;
		try {
			key = SigningKey.of(privateJwk(), this.keyFile.getFileName().toString());
		}
		catch (IOException | GeneralSecurityException | JOSEException ex) {
			throw new KeyConfigurationException(List.of(this.keyFile + ": " + ex.getMessage()));
		}
		Instant now = clock.instant();
		for (int i = 0; i < count; i++) {
			out.accept(key.sign(JOSEObjectType.JWT,
					new JWTClaimsSet.Builder().subject(spiffeId.toString())
						.audience(audiences)
						.issueTime(Date.from(now))
						.expirationTime(Date.from(now.plus(ttl)))
						.jwtID(UUID.randomUUID().toString())
						.build()));
		}
	}

	private JWK privateJwk() throws IOException, GeneralSecurityException, JOSEException {
		return KeyAlgorithm.jwk(KeyFiles.read(this.keyFile), JWT_SVID);
	}

	// A SPIFFE bundle as SPIRE serves it: the jwt-svid key, a sequence number and a
	// refresh hint.
	private static String bundleJson(JWK jwk) {
		return new JWKSet(List.of(jwk.toPublicJWK()), Map.of("spiffe_sequence", 1, "spiffe_refresh_hint", 300))
			.toString(true) + "\n";
	}

}

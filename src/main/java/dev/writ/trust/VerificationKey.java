package dev.writ.trust;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import dev.writ.keys.Crypto;

/**
 * One public key that may verify token signatures, with its verifiers built once: one on
 * the native provider for the algorithms {@link Crypto} admits, one on the JDK for the
 * rest.
 *
 * @param key the public JWK
 * @param fast the verifier on the native provider (the same as {@code standard} when
 * there is none)
 * @param standard the verifier on the JDK's providers
 * @param crypto which algorithms go to {@code fast}
 */
record VerificationKey(JWK key, JWSVerifier fast, JWSVerifier standard, Crypto crypto) {

	/**
	 * The verification key for a public EC or RSA JWK.
	 * @throws IllegalArgumentException if the key is private, of another type, or RSA
	 * shorter than 2048 bits
	 */
	static VerificationKey of(JWK key) {
		return of(key, Crypto.get());
	}

	static VerificationKey of(JWK key, Crypto crypto) {
		if (key.isPrivate()) {
			throw new IllegalArgumentException("holds private material; trust material must be public keys only");
		}
		// The modulus's own length: Nimbus's size() counts the bytes of n as encoded, so
		// leading zero bytes would pass a short key.
		if (key instanceof RSAKey rsa && modulusBits(rsa) < 2048) {
			throw new IllegalArgumentException("RSA keys must have at least 2048 bits");
		}
		try {
			JWSVerifier standard = Crypto.jdkVerifier(key);
			// One provider per verifier. An EC key's curve fixes its one algorithm; an
			// RSA key goes to the native
			// provider if it handles RS256 (the common case), and PS and the rest are
			// routed by verifier(alg).
			JWSAlgorithm fastest = (key instanceof RSAKey) ? JWSAlgorithm.RS256
					: standard.supportedJWSAlgorithms().iterator().next();
			return new VerificationKey(key, crypto.verifier(key, fastest), standard, crypto);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex.getMessage());
		}
	}

	private static int modulusBits(RSAKey rsa) {
		try {
			return rsa.toRSAPublicKey().getModulus().bitLength();
		}
		catch (JOSEException ex) {
			return 0;
		}
	}

	/** The verifier for a signature made with {@code alg}. */
	JWSVerifier verifier(JWSAlgorithm alg) {
		if (this.key instanceof RSAKey) {
			return (JWSAlgorithm.RS256.equals(alg) && this.crypto.admits(alg)) ? this.fast : this.standard;
		}
		return this.crypto.admits(alg) ? this.fast : this.standard;
	}

	/**
	 * Whether this key may verify a signature made with {@code alg}: the key's own
	 * {@code alg}, if set, must agree. An RSA key that names no {@code alg} verifies
	 * RS256/384/512 only, the PKCS #1 v1.5 signatures every JWKS without {@code alg}
	 * means: one key, one signature scheme (RFC 8725 §3.1), never PS* as well. A key for
	 * PS* says so.
	 */
	boolean accepts(JWSAlgorithm alg) {
		if (this.key.getAlgorithm() != null) {
			return this.key.getAlgorithm().equals(alg) && this.standard.supportedJWSAlgorithms().contains(alg);
		}
		if (this.key instanceof RSAKey) {
			return JWSAlgorithm.Family.RSA.contains(alg) && alg.getName().startsWith("RS");
		}
		return this.standard.supportedJWSAlgorithms().contains(alg);
	}

}

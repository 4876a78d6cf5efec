package dev.writ.trust;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * One public key that may verify token signatures, with its verifier built once.
 *
 * @param key the public JWK
 * @param verifier its verifier
 */
record VerificationKey(JWK key, JWSVerifier verifier) {

	/**
	 * The verification key for a public EC or RSA JWK.
	 * @throws IllegalArgumentException if the key is private, of another type, or RSA shorter than 2048 bits
	 */
	static VerificationKey of(JWK key) {
		if (key.isPrivate()) {
			throw new IllegalArgumentException("holds private material; trust material must be public keys only");
		}
		try {
			if (key instanceof ECKey ec) {
				return new VerificationKey(key, new ECDSAVerifier(ec));
			}
			if (key instanceof RSAKey rsa) {
				if (rsa.size() < 2048) {
					throw new IllegalArgumentException("RSA keys must have at least 2048 bits");
				}
				return new VerificationKey(key, new RSASSAVerifier(rsa));
			}
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex.getMessage());
		}
		throw new IllegalArgumentException("key type " + key.getKeyType() + " is not supported (EC or RSA)");
	}

	/** Whether this key may verify a signature made with {@code alg}: the key's own {@code alg}, if set, must agree. */
	boolean accepts(JWSAlgorithm alg) {
		return (this.key.getAlgorithm() == null || this.key.getAlgorithm().equals(alg))
				&& this.verifier.supportedJWSAlgorithms().contains(alg);
	}

}

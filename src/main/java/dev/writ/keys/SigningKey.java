package dev.writ.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A key that signs: its {@code kid}, algorithm and public JWK are public; the private key
 * stays inside and is only ever used to sign.
 */
public final class SigningKey {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JWK publicJwk;

	private final JWSAlgorithm algorithm;

	private final JWSSigner signer;

	private final JWSVerifier verifier;

	private final String source;

	// A secret derived one way from the private key, for DPoP server nonces: every node
	// with the same keys makes and checks the same nonces; it reveals nothing of the key.
	private final byte[] nonceSecret;

	private SigningKey(JWK publicJwk, JWSAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier, String source,
			byte[] nonceSecret) {
		this.publicJwk = publicJwk;
		this.algorithm = algorithm;
		this.signer = signer;
		this.verifier = verifier;
		this.source = source;
		this.nonceSecret = nonceSecret;
	}

	static SigningKey of(JWK privateJwk, String source) throws JOSEException {
		Objects.requireNonNull(privateJwk.getKeyID(), "kid cannot be null");
		JWSAlgorithm alg = (JWSAlgorithm) privateJwk.getAlgorithm();
		JWSSigner signer = Crypto.get().signer(privateJwk, alg);
		// One generator for every signature: without it nimbus seeds a new SecureRandom
		// per signature (2% of an
		// exchange's CPU under load). SecureRandom is thread-safe.
		signer.getJCAContext().setSecureRandom(RANDOM);
		JWK publicJwk = privateJwk.toPublicJWK();
		if (!(privateJwk.toJSONObject().get("d") instanceof String d)) {
			throw new JOSEException("a signing key has no private part");
		}
		byte[] nonceSecret = hmac(d.getBytes(StandardCharsets.US_ASCII),
				"writ: DPoP server nonces".getBytes(StandardCharsets.US_ASCII));
		return new SigningKey(publicJwk, alg, signer, Crypto.get().verifier(publicJwk, alg), source, nonceSecret);
	}

	/**
	 * The HMAC-SHA256, with a secret this key's private part alone determines, of
	 * {@code message}: what a DPoP server nonce is made and checked with.
	 */
	public byte[] nonceMac(String message) {
		return hmac(this.nonceSecret, message.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] hmac(byte[] key, byte[] message) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(message);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/** The key's id: the RFC 7638 thumbprint of its public key. */
	public String kid() {
		return this.publicJwk.getKeyID();
	}

	public JWSAlgorithm algorithm() {
		return this.algorithm;
	}

	/** The public key as a JWK, for the JWKS. */
	public JWK publicJwk() {
		return this.publicJwk;
	}

	/**
	 * Whether a token carries this key's signature: how Writ recognises its own tokens
	 * (the caller checks the header's {@code kid} and {@code alg} first).
	 */
	public boolean signed(SignedJWT jwt) throws JOSEException {
		return jwt.verify(this.verifier);
	}

	/** Where the key came from, such as its file name; for logs. */
	public String source() {
		return this.source;
	}

	/**
	 * Signs a claims set as a compact JWS with this key's {@code alg} and {@code kid}.
	 * @param type the {@code typ} header, such as {@code at+jwt}
	 * @param claims the claims
	 * @return the serialized token
	 */
	public String sign(JOSEObjectType type, JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(this.algorithm).type(type).keyID(kid()).build(), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("signing with key " + kid() + " failed", ex);
		}
		return jwt.serialize();
	}

	@Override
	public String toString() {
		return "SigningKey[kid=" + kid() + ", alg=" + this.algorithm + ", source=" + this.source + "]";
	}

}

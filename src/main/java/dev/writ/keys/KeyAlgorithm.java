package dev.writ.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

/** The signing algorithms Writ generates and signs with. */
public enum KeyAlgorithm {

	/** ECDSA on P-256 with SHA-256: the default. */
	ES256(JWSAlgorithm.ES256),

	/** ECDSA on P-384 with SHA-384. */
	ES384(JWSAlgorithm.ES384),

	/** RSASSA-PKCS1-v1_5 with SHA-256, on a 3072-bit key. */
	RS256(JWSAlgorithm.RS256);

	@SuppressWarnings("ImmutableEnumChecker") // a JWSAlgorithm is a constant of the JOSE
												// library, never changed
	private final JWSAlgorithm jwsAlgorithm;

	KeyAlgorithm(JWSAlgorithm jwsAlgorithm) {
		this.jwsAlgorithm = jwsAlgorithm;
	}

	public JWSAlgorithm jwsAlgorithm() {
		return this.jwsAlgorithm;
	}

	/** The algorithm for a name such as {@code es256}, case-insensitive. */
	public static KeyAlgorithm parse(String name) {
		try {
			return valueOf(name.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("unknown key algorithm " + name + " (ES256, ES384 or RS256)");
		}
	}

	KeyPair generate() {
		try {
			return switch (this) {
				case ES256 -> generateEc("secp256r1");
				case ES384 -> generateEc("secp384r1");
				case RS256 -> {
					KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
					generator.initialize(3072);
					yield generator.generateKeyPair();
				}
			};
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("this JDK cannot generate " + this + " keys", ex);
		}
	}

	private static KeyPair generateEc(String curve) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec(curve));
		return generator.generateKeyPair();
	}

	/**
	 * The private JWK of a key pair, with its RFC 7638 thumbprint as {@code kid}, and the
	 * algorithm that goes with the key: ES256 or ES384 by curve, RS256 for RSA.
	 */
	static JWK jwk(KeyPair pair, KeyUse use) throws JOSEException {
		JWK jwk;
		if (pair.getPublic() instanceof ECPublicKey ec) {
			Curve curve = Curve.forECParameterSpec(ec.getParams());
			JWSAlgorithm alg;
			if (Curve.P_256.equals(curve)) {
				alg = JWSAlgorithm.ES256;
			}
			else if (Curve.P_384.equals(curve)) {
				alg = JWSAlgorithm.ES384;
			}
			else {
				throw new JOSEException("EC keys must be on P-256 or P-384");
			}
			jwk = new ECKey.Builder(curve, ec).privateKey(pair.getPrivate()).keyUse(use).algorithm(alg).build();
		}
		else if (pair.getPublic() instanceof RSAPublicKey rsa) {
			if (rsa.getModulus().bitLength() < 2048) {
				throw new JOSEException("RSA keys must have at least 2048 bits");
			}
			jwk = new RSAKey.Builder(rsa).privateKey(pair.getPrivate())
				.keyUse(use)
				.algorithm(JWSAlgorithm.RS256)
				.build();
		}
		else {
			throw new JOSEException("only EC and RSA keys are supported");
		}
		return withThumbprintKid(jwk);
	}

	private static JWK withThumbprintKid(JWK jwk) throws JOSEException {
		String kid = jwk.computeThumbprint().toString();
		if (jwk instanceof ECKey ec) {
			return new ECKey.Builder(ec).keyID(kid).build();
		}
		return new RSAKey.Builder((RSAKey) jwk).keyID(kid).build();
	}

}

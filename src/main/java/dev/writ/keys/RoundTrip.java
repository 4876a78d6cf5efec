package dev.writ.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.jspecify.annotations.Nullable;

/**
 * The self-test an algorithm passes before {@link Crypto} hands it to the native
 * provider: signed natively and verified by the JDK, signed by the JDK and verified
 * natively, and a signature over other content refused.
 */
final class RoundTrip {

	private final Provider provider;

	// One RSA key for every RS and PS round trip: generating one costs tens of
	// milliseconds.
	private @Nullable KeyPair rsaTestKey;

	RoundTrip(Provider provider) {
		this.provider = provider;
	}

	/** Why {@code alg} is not to be used natively; null when it passed. */
	@Nullable String failure(JWSAlgorithm alg) {
		try {
			JWSSigner nativeSigner;
			JWSSigner jdkSigner;
			JWK key;
			if (JWSAlgorithm.Family.EC.contains(alg)) {
				Curve curve = Curve.forJWSAlgorithm(alg).iterator().next();
				KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
				generator.initialize(new ECGenParameterSpec(curve.getStdName()));
				var pair = generator.generateKeyPair();
				ECKey ec = new ECKey.Builder(curve, (ECPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
					.build();
				nativeSigner = new ECDSASigner(ec);
				jdkSigner = new ECDSASigner(ec);
				key = ec;
			}
			else {
				var pair = rsaTestKey();
				RSAKey rsa = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate()).build();
				nativeSigner = new RSASSASigner(rsa);
				jdkSigner = new RSASSASigner(rsa);
				key = rsa;
			}
			JWSVerifier nativeVerifier = Crypto.jdkVerifier(key.toPublicJWK());
			JWSVerifier standardVerifier = Crypto.jdkVerifier(key.toPublicJWK());
			nativeSigner.getJCAContext().setProvider(this.provider);
			nativeVerifier.getJCAContext().setProvider(this.provider);
			boolean ok = verifies(nativeSigner, standardVerifier, alg) && verifies(jdkSigner, nativeVerifier, alg)
					&& !verifiesTampered(jdkSigner, nativeVerifier, alg);
			return ok ? null : "failed its round trip";
		}
		catch (Exception | LinkageError ex) {
			return "not handled: " + ex.getClass().getSimpleName();
		}
	}

	private synchronized KeyPair rsaTestKey() throws GeneralSecurityException {
		KeyPair key = this.rsaTestKey;
		if (key == null) {
			// The native generator is ten times faster; a bad key from it fails the round
			// trip like any other fault.
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", this.provider);
			generator.initialize(2048);
			key = generator.generateKeyPair();
			this.rsaTestKey = key;
		}
		return key;
	}

	private static boolean verifies(JWSSigner signer, JWSVerifier verifier, JWSAlgorithm alg)
			throws JOSEException, ParseException {
		JWSObject jws = new JWSObject(new JWSHeader(alg), new Payload("writ crypto self-test"));
		jws.sign(signer);
		return JWSObject.parse(jws.serialize()).verify(verifier);
	}

	// A signature over other content must not verify.
	private static boolean verifiesTampered(JWSSigner signer, JWSVerifier verifier, JWSAlgorithm alg)
			throws JOSEException, ParseException {
		JWSObject jws = new JWSObject(new JWSHeader(alg), new Payload("writ crypto self-test"));
		jws.sign(signer);
		JWSObject other = new JWSObject(jws.getHeader().toBase64URL(), new Payload("tampered").toBase64URL(),
				jws.getSignature());
		return other.verify(verifier);
	}

}

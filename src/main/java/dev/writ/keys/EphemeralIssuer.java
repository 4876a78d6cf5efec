package dev.writ.keys;

import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;

/**
 * A key that lives for one rehearsal (a policy test, an explain) and is never written
 * anywhere: it signs synthetic subject tokens so that they pass through the real
 * verifier, against a twin of the real trust source that trusts only this key.
 */
public final class EphemeralIssuer {

	private final SigningKey key;

	private final String publicJwks;

	private EphemeralIssuer(SigningKey key, String publicJwks) {
		this.key = key;
		this.publicJwks = publicJwks;
	}

	/**
	 * A fresh ES256 key whose public JWK has {@code use}: {@code jwt-svid} or
	 * {@code sig}.
	 */
	public static EphemeralIssuer create(String use) {
		try {
			var jwk = KeyAlgorithm.jwk(KeyAlgorithm.ES256.generate(), new KeyUse(use));
			SigningKey key = SigningKey.of(jwk, "ephemeral");
			return new EphemeralIssuer(key, new JWKSet(List.of(key.publicJwk())).toString(true));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot create an ephemeral key", ex);
		}
	}

	/** The public key as a JWK set (a SPIFFE bundle or a JWKS, by its {@code use}). */
	public String publicJwks() {
		return this.publicJwks;
	}

	/** Signs claims as a JWT with {@code typ: JWT}. */
	public String sign(JWTClaimsSet claims) {
		return this.key.sign(JOSEObjectType.JWT, claims);
	}

}

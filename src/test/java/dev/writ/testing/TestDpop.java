package dev.writ.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;

/**
 * A DPoP client's key, made at test time, and the proofs it signs (RFC 9449 §4.2) — valid
 * ones, and each way one can be wrong.
 */
public final class TestDpop {

	private final JWK key;

	private TestDpop(JWK key) {
		this.key = key;
	}

	/** A new RSA key of {@code bits} with public exponent {@code exponent}. */
	public static TestDpop rsa(int bits, java.math.BigInteger exponent) {
		try {
			java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
			generator.initialize(new java.security.spec.RSAKeyGenParameterSpec(bits, exponent));
			java.security.KeyPair pair = generator.generateKeyPair();
			return new TestDpop(
					new com.nimbusds.jose.jwk.RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic())
						.privateKey(pair.getPrivate())
						.build());
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A new P-256 key. */
	public static TestDpop generate() {
		try {
			return new TestDpop(new ECKeyGenerator(Curve.P_256).keyID(null).generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The RFC 7638 thumbprint of the public key: a bound token's {@code cnf.jkt}. */
	public String jkt() {
		try {
			return this.key.toPublicJWK().computeThumbprint("SHA-256").toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A proof for {@code htm} {@code htu}, now, with a fresh {@code jti}. */
	public String proof(String htm, String htu) {
		return new Proof(htm, htu, Instant.now()).sign();
	}

	/** A proof to change before it is signed. */
	public Proof proof(String htm, String htu, Instant now) {
		return new Proof(htm, htu, now);
	}

	/** One proof, as its fields are set. */
	public final class Proof {

		private String htm;

		private String htu;

		private Instant iat;

		private String jti = UUID.randomUUID().toString();

		private JOSEObjectType typ = new JOSEObjectType("dpop+jwt");

		private JWK jwk = TestDpop.this.key.toPublicJWK();

		private Object iatValue;

		private @org.jspecify.annotations.Nullable String nonce;

		private Proof(String htm, String htu, Instant iat) {
			this.htm = htm;
			this.htu = htu;
			this.iat = iat;
			this.iatValue = iat.getEpochSecond();
		}

		/** The iat claim exactly as given, such as a number no date can hold. */
		public Proof iatValue(Object value) {
			this.iatValue = value;
			return this;
		}

		public Proof iatOffset(Duration offset) {
			this.iat = this.iat.plus(offset);
			this.iatValue = this.iat.getEpochSecond();
			return this;
		}

		/** With the server's nonce (RFC 9449 §8). */
		public Proof nonce(String nonce) {
			this.nonce = nonce;
			return this;
		}

		public Proof jti(String jti) {
			this.jti = jti;
			return this;
		}

		public Proof typ(String typ) {
			this.typ = new JOSEObjectType(typ);
			return this;
		}

		/** The jwk header holds the private key too. */
		public Proof withPrivateJwk() {
			this.jwk = TestDpop.this.key;
			return this;
		}

		/** The jwk header holds another key than the one that signs. */
		public Proof withJwkOf(TestDpop other) {
			this.jwk = other.key.toPublicJWK();
			return this;
		}

		public String sign() {
			try {
				// Built by hand: a JOSE library refuses to put a private key in a header,
				// and
				// a test must be able to.
				java.util.Map<String, Object> header = new java.util.LinkedHashMap<>();
				header.put("typ", this.typ.getType());
				boolean rsa = TestDpop.this.key instanceof com.nimbusds.jose.jwk.RSAKey;
				header.put("alg", rsa ? "RS256" : "ES256");
				header.put("jwk", this.jwk.toJSONObject());
				String signingInput = base64(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(header)) + "."
						+ base64(new JWTClaimsSet.Builder().jwtID(this.jti)
							.claim("htm", this.htm)
							.claim("htu", this.htu)
							.claim("iat", this.iatValue)
							.claim("nonce", this.nonce)
							.build()
							.toString());
				byte[] bytes = signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
				com.nimbusds.jose.util.Base64URL signature = rsa
						? new com.nimbusds.jose.crypto.RSASSASigner((com.nimbusds.jose.jwk.RSAKey) TestDpop.this.key)
							.sign(new JWSHeader(JWSAlgorithm.RS256), bytes)
						: new ECDSASigner((ECKey) TestDpop.this.key).sign(new JWSHeader(JWSAlgorithm.ES256), bytes);
				return signingInput + "." + signature;
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static String base64(String json) {
			return com.nimbusds.jose.util.Base64URL.encode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))
				.toString();
		}

	}

}

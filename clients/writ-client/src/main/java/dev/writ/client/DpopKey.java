package dev.writ.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * The client's DPoP key (RFC 9449): a P-256 key made when the client is built, kept in
 * memory only and never written out; its proofs, signed ES256, for Writ's token endpoint
 * and for the resource servers its tokens are then bound to. Its {@link #toString()}
 * names only its thumbprint.
 */
final class DpopKey {

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

	private final ECDSASigner signer;

	private final JWSHeader header;

	private final String thumbprint;

	private DpopKey(ECKey key) throws JOSEException {
		this.signer = new ECDSASigner(key);
		this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(DPOP_JWT).jwk(key.toPublicJWK()).build();
		this.thumbprint = key.computeThumbprint().toString();
	}

	static DpopKey generate() {
		try {
			return new DpopKey(new ECKeyGenerator(Curve.P_256).secureRandom(RANDOM).generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("this JVM cannot make a P-256 key", ex);
		}
	}

	/** The RFC 7638 thumbprint of its public key: a bound token's {@code cnf.jkt}. */
	String thumbprint() {
		return this.thumbprint;
	}

	/**
	 * A proof for one request (RFC 9449 §4.2).
	 * @param method the request's method
	 * @param url the request's URL; its query and fragment are left out of {@code htu}
	 * @param accessToken the token the request carries, for {@code ath}; null at the
	 * token endpoint
	 * @param nonce the server's {@code DPoP-Nonce}, if it gave one
	 */
	String proof(String method, URI url, @Nullable String accessToken, @Nullable String nonce, Instant now) {
		byte[] jti = new byte[16];
		RANDOM.nextBytes(jti);
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(BASE64URL.encodeToString(jti))
			.claim("htm", method)
			.claim("htu", htu(url))
			.issueTime(Date.from(now));
		if (accessToken != null) {
			claims.claim("ath", BASE64URL.encodeToString(sha256(accessToken)));
		}
		if (nonce != null) {
			claims.claim("nonce", nonce);
		}
		SignedJWT proof = new SignedJWT(this.header, claims.build());
		try {
			proof.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign a DPoP proof", ex);
		}
		return proof.serialize();
	}

	static String htu(URI url) {
		try {
			return new URI(url.getScheme(), url.getRawAuthority(), url.getRawPath(), null, null).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("not a URL a proof can name: " + Endpoints.describe(url), ex);
		}
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "DpopKey[jkt " + this.thumbprint + "]";
	}

}

package dev.writ.testing;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Builds JWT-SVIDs for tests, valid by default and wrong in exactly the way a test asks.
 */
public final class TestSvid {

	/** The audience tests send by default: the issuer of a Writ on its defaults. */
	public static final String DEFAULT_AUDIENCE = "http://localhost:8080";

	private TestSvid() {
	}

	static Builder builder(TestAuthority authority, String subject, Clock clock) {
		return new Builder(authority, subject, clock.instant());
	}

	/** A JWT-SVID under construction. */
	public static final class Builder {

		private final TestAuthority authority;

		private final JWTClaimsSet.Builder claims;

		private final JWSHeader.Builder header;

		private final Instant now;

		private Builder(TestAuthority authority, String subject, Instant now) {
			this.authority = authority;
			this.now = now;
			this.claims = new JWTClaimsSet.Builder().subject(subject)
				.audience(DEFAULT_AUDIENCE)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
			this.header = new JWSHeader.Builder(authority.algorithm()).keyID(authority.kid()).type(JOSEObjectType.JWT);
		}

		public Builder audience(String... audiences) {
			this.claims.audience(List.of(audiences));
			return this;
		}

		public Builder subject(String subject) {
			this.claims.subject(subject);
			return this;
		}

		/** Expires this long after now; negative for a token that has expired. */
		public Builder expiresIn(Duration duration) {
			this.claims.expirationTime(Date.from(this.now.plus(duration)));
			return this;
		}

		public Builder notBefore(Duration fromNow) {
			this.claims.notBeforeTime(Date.from(this.now.plus(fromNow)));
			return this;
		}

		public Builder issuedAt(Duration fromNow) {
			this.claims.issueTime(Date.from(this.now.plus(fromNow)));
			return this;
		}

		public Builder claim(String name, Object value) {
			this.claims.claim(name, value);
			return this;
		}

		public Builder header(Consumer<JWSHeader.Builder> change) {
			change.accept(this.header);
			return this;
		}

		/** Signs with the authority's key. */
		public String sign() {
			return signWith(this.authority.privateKey());
		}

		/**
		 * Signs with the authority's key under another algorithm of its type (PS256 with
		 * an RSA key, say).
		 */
		public String signAs(JWSAlgorithm alg) {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(alg).keyID(this.authority.kid()).type(JOSEObjectType.JWT).build(),
					this.claims.build());
			JWK key = this.authority.privateKey();
			try {
				jwt.sign((key instanceof RSAKey rsa) ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
			return jwt.serialize();
		}

		/** Signs with another key, under the header as built. */
		public String signWith(JWK key) {
			SignedJWT jwt = new SignedJWT(this.header.build(), this.claims.build());
			try {
				JWSSigner signer = (key instanceof RSAKey rsa) ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
				jwt.sign(signer);
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
			return jwt.serialize();
		}

		/**
		 * Signs the header and claims as JSON text edited by {@code header} and
		 * {@code payload}, byte for byte: for tokens no JOSE library would build
		 * (duplicate members, nulls, numbers out of range).
		 */
		public String signEdited(java.util.function.UnaryOperator<String> header,
				java.util.function.UnaryOperator<String> payload) {
			String encodedHeader = Base64URL.encode(header.apply(this.header.build().toString())).toString();
			String encodedPayload = Base64URL.encode(payload.apply(this.claims.build().toString())).toString();
			JWK key = this.authority.privateKey();
			try {
				JWSSigner signer = (key instanceof RSAKey rsa) ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
				Base64URL signature = signer.sign(this.header.build(),
						(encodedHeader + "." + encodedPayload).getBytes(StandardCharsets.US_ASCII));
				return encodedHeader + "." + encodedPayload + "." + signature;
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * Signed with the key's own algorithm, then relabelled {@code alg}: a header that
		 * lies about its algorithm.
		 */
		public String signedButLabelled(JWSAlgorithm alg) {
			String[] parts = sign().split("\\.");
			java.util.Map<String, Object> json = this.header.build().toJSONObject();
			json.put("alg", alg.getName());
			String header = Base64URL.encode(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(json)).toString();
			return header + "." + parts[1] + "." + parts[2];
		}

		/** {@code alg: none}, with an empty signature (RFC 7519 §6.1). */
		public String unsecured() {
			String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + this.authority.kid() + "\"}").toString();
			return header + "." + Base64URL.encode(this.claims.build().toString()) + ".";
		}

		/**
		 * HS256 keyed with the bytes of the authority's public key: the classic
		 * algorithm-confusion attack.
		 */
		public String hs256KeyedWithPublicKey() {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(this.authority.kid()).build(),
					this.claims.build());
			try {
				jwt.sign(new MACSigner(
						this.authority.privateKey().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
			return jwt.serialize();
		}

	}

}

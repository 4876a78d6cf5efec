package dev.writ.trust;

import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) sent with a token request: exactly one
 * {@code DPoP} header, a canonical compact JWS of {@code typ: dpop+jwt} signed with an
 * asymmetric algorithm Writ accepts by the public key in its {@code jwk} header (no
 * private member, no key named elsewhere), {@code htm} the request's method, {@code htu}
 * this Writ's token endpoint as its issuer names it (without query and fragment),
 * {@code iat} within the window, a {@code jti}. That a {@code jti} is used once, across
 * the fleet, is the caller's to record in the store. Every failure is
 * {@code invalid_dpop_proof} (§5), with a description that names the check.
 */
public final class DpopVerifier {

	/**
	 * The algorithms a proof may be signed with: ECDSA and RSA PKCS #1 v1.5, never
	 * {@code none} or HMAC.
	 */
	public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
			JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);

	private static final java.math.BigInteger F4 = java.math.BigInteger.valueOf(65537);

	static final int MAX_LENGTH = 4 * 1024;

	private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

	private static final int MAX_JTI = 256;

	private static final int MAX_KEYS = 4096;

	private final java.util.concurrent.ConcurrentHashMap<String, Prepared> keys = new java.util.concurrent.ConcurrentHashMap<>();

	private final URI endpoint;

	private final Duration window;

	private final Clock clock;

	private final @Nullable DpopNonces nonces;

	/**
	 * @param endpoint the token endpoint as the issuer names it: the {@code htu} a proof
	 * must carry
	 * @param window how far {@code iat} may be from now, either way
	 * @param clock the clock
	 */
	public DpopVerifier(URI endpoint, Duration window, Clock clock) {
		this(endpoint, window, clock, null);
	}

	/**
	 * A verifier that demands a server nonce (RFC 9449 §8) in every proof.
	 * @param nonces the nonces a proof may carry; null to demand none
	 */
	public DpopVerifier(URI endpoint, Duration window, Clock clock, @Nullable DpopNonces nonces) {
		this.endpoint = normal(endpoint);
		this.window = window;
		this.clock = clock;
		this.nonces = nonces;
	}

	/** How far {@code iat} may be from now: how long a proof's {@code jti} is kept. */
	public Duration window() {
		return this.window;
	}

	/**
	 * The proof of a request.
	 * @param values every value of the request's {@code DPoP} header
	 * @param method the request's method
	 * @throws ExchangeException {@code invalid_dpop_proof} when it is not a valid proof
	 * for this request
	 */
	public DpopProof verify(List<String> values, String method) {
		if (values.size() != 1) {
			throw invalid("send exactly one DPoP header", values.size() + " DPoP headers");
		}
		SignedJWT proof;
		Map<String, @Nullable Object> claims;
		try {
			CompactJws.Jws jws = CompactJws.parseWithPayload(values.get(0), MAX_LENGTH, Set.of("jwk"));
			proof = jws.jwt();
			claims = jws.payload();
		}
		catch (ParseException ex) {
			throw invalid("the DPoP proof is not a canonical compact JWS with a public jwk",
					"malformed proof: " + ex.getMessage());
		}
		JWSHeader header = proof.getHeader();
		String typ = (header.getType() != null) ? header.getType().getType().toLowerCase(Locale.ROOT) : "";
		// RFC 7515 §4.1.9: the media type's application/ prefix may be left out.
		if (!typ.equals(DPOP_JWT.getType()) && !typ.equals("application/" + DPOP_JWT.getType())) {
			throw invalid("the DPoP proof's typ is not dpop+jwt", "typ " + JwtChecks.printable(typ));
		}
		if (!ALGORITHMS.contains(header.getAlgorithm())) {
			throw invalid("the DPoP proof's alg is not an asymmetric algorithm this server accepts",
					"alg " + JwtChecks.printable(String.valueOf(header.getAlgorithm())));
		}
		JWK jwk = header.getJWK();
		if (jwk == null || jwk.isPrivate()) {
			throw invalid("the DPoP proof's jwk header must hold one public key",
					(jwk == null) ? "no jwk" : "private jwk");
		}
		if (header.getJWKURL() != null || header.getX509CertURL() != null || header.getX509CertChain() != null
				|| header.getCriticalParams() != null) {
			throw invalid("the DPoP proof names keys or critical parameters beyond its jwk", "jku, x5u, x5c or crit");
		}
		// The payload as sent (a NumericDate read by the library may overflow), its cheap
		// checks before the signature's.
		if (!(claims.get("jti") instanceof String jti) || jti.isEmpty() || jti.length() > MAX_JTI) {
			throw invalid("the DPoP proof needs a jti", "jti missing, empty or longer than " + MAX_JTI);
		}
		if (!method.equals(claims.get("htm"))) {
			throw invalid("the DPoP proof's htm is not this request's method",
					"htm " + JwtChecks.printable(String.valueOf(claims.get("htm"))));
		}
		if (!(claims.get("htu") instanceof String htu) || !this.endpoint.equals(normal(htu))) {
			throw invalid("the DPoP proof's htu is not this token endpoint", "htu does not name " + this.endpoint);
		}
		if (!JwtChecks.numericDate(claims.get("iat")) || !(claims.get("iat") instanceof Number iat)) {
			throw invalid("the DPoP proof needs an iat", "no iat, or not a NumericDate");
		}
		Instant issued = Instant.ofEpochSecond(iat.longValue());
		Instant now = this.clock.instant();
		if (issued.isAfter(now.plus(this.window)) || issued.isBefore(now.minus(this.window))) {
			throw invalid("the DPoP proof's iat is not recent",
					"iat " + issued + ", " + this.window.toSeconds() + "s either way of " + now);
		}
		// RFC 9449 §8: without the server's nonce the client is told to use it; the web
		// layer sends a fresh one in DPoP-Nonce with every answer.
		if (this.nonces != null && !(claims.get("nonce") instanceof String nonce && nonce.length() <= MAX_JTI
				&& this.nonces.accepts(nonce))) {
			throw new ExchangeException(ErrorCode.USE_DPOP_NONCE,
					"send a DPoP proof with the nonce of this server's DPoP-Nonce header",
					claims.containsKey("nonce") ? "nonce not current" : "no nonce");
		}
		Prepared prepared;
		try {
			// An RSA key of a usual size and exponent: a short one is weak, a
			// huge one would make a verification cost what an attacker likes.
			if (jwk instanceof com.nimbusds.jose.jwk.RSAKey rsa) {
				int bits = rsa.toRSAPublicKey().getModulus().bitLength();
				if (bits < 2048 || bits > 4096 || !F4.equals(rsa.toRSAPublicKey().getPublicExponent())) {
					throw invalid("the DPoP proof's RSA key must have 2048 to 4096 bits and the exponent 65537",
							"RSA key outside the limits");
				}
			}
			// A client proves with one key for many requests: its verifier and thumbprint
			// are kept (bounded), by key and algorithm.
			prepared = prepared(jwk, header.getAlgorithm());
			if (!prepared.verifier().supportedJWSAlgorithms().contains(header.getAlgorithm())
					|| !proof.verify(prepared.verifier())) {
				throw invalid("the DPoP proof's signature does not verify with its jwk", "bad signature");
			}
		}
		catch (IllegalArgumentException | JOSEException ex) {
			throw invalid("the DPoP proof's signature does not verify with its jwk",
					"unusable jwk: " + ex.getClass().getSimpleName());
		}
		return new DpopProof(prepared.jkt(), jti, issued);
	}

	private Prepared prepared(JWK jwk, JWSAlgorithm alg) throws JOSEException {
		String id = alg.getName() + " " + jwk.toJSONString();
		Prepared prepared = this.keys.get(id);
		if (prepared == null) {
			prepared = new Prepared(dev.writ.keys.Crypto.get().verifier(jwk, alg),
					jwk.computeThumbprint("SHA-256").toString());
			if (this.keys.size() >= MAX_KEYS) {
				// Bounded: a flood of keys costs only their own decoding.
				this.keys.clear();
			}
			this.keys.put(id, prepared);
		}
		return prepared;
	}

	// A proof key's verifier and RFC 7638 thumbprint.
	private record Prepared(com.nimbusds.jose.JWSVerifier verifier, String jkt) {
	}

	// RFC 9449 §4.3 item 9, RFC 3986 §6.2.2 and §6.2.3: scheme and host compared without
	// case, the default port dropped, no query or fragment.
	private static URI normal(Object value) {
		try {
			URI uri = (value instanceof URI given) ? given : new URI(String.valueOf(value));
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
			String host = (uri.getHost() != null) ? uri.getHost().toLowerCase(Locale.ROOT) : null;
			int port = uri.getPort();
			if (("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80)) {
				port = -1;
			}
			String path = (uri.getPath() == null || uri.getPath().isEmpty()) ? "/" : uri.getPath();
			return new URI(scheme, null, host, port, path, null, null).normalize();
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			return URI.create("invalid:htu");
		}
	}

	private static ExchangeException invalid(String description, String detail) {
		return new ExchangeException(ErrorCode.INVALID_DPOP_PROOF, description, "DPoP proof: " + detail);
	}

	/**
	 * A verified proof.
	 *
	 * @param jkt the RFC 7638 SHA-256 thumbprint of its key: the token's {@code cnf.jkt}
	 * @param jti its id, to be used once
	 * @param issuedAt its {@code iat}
	 */
	public record DpopProof(String jkt, String jti, Instant issuedAt) {
	}

}

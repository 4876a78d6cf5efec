package dev.writ.trust;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.spiffe.spiffeid.TrustDomain;

/**
 * The documents remote keys come from: a JWKS URL, OIDC discovery, a SPIFFE bundle
 * endpoint.
 */
final class RemoteLoaders {

	/** Largest JWKS or bundle accepted. Real ones are a few KiB. */
	static final int MAX_KEYS_BYTES = 256 * 1024;

	/** Largest discovery document accepted. */
	static final int MAX_DISCOVERY_BYTES = 64 * 1024;

	private RemoteLoaders() {
	}

	/**
	 * The signing keys of a JWK set: {@code use} absent or {@code sig}; keys without a
	 * {@code kid} are skipped.
	 */
	static KeySet signingKeys(String json, String where) {
		JWKSet set;
		try {
			set = JWKSet.parse(json);
		}
		catch (ParseException | RuntimeException ex) {
			// The JOSE library answers a JSON null with a NullPointerException: not a JWK
			// set all the same.
			throw new TrustConfigurationException(List.of(where + " is not a JWK set"));
		}
		KeySet keys = KeySet.of(set, (key) -> key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()),
				false);
		if (keys.keyIds().isEmpty()) {
			throw new TrustConfigurationException(List.of(where + " holds no signing key with a kid"));
		}
		return keys;
	}

	/** A JWKS URL. */
	static RemoteKeys.Loader jwks(URI uri, HttpFetcher http) {
		return () -> new RemoteKeys.Loaded(signingKeys(http.get(uri, MAX_KEYS_BYTES), uri.toString()),
				Optional.empty());
	}

	/**
	 * OIDC discovery (OpenID Connect Discovery 1.0 §4): the configuration document at
	 * {@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must be
	 * exactly the issuer (§4.3), then its {@code jwks_uri}, which must pass the same URL
	 * rules as the issuer.
	 */
	static RemoteKeys.Loader discovery(String issuer, HttpFetcher http) {
		// §4: "any terminating / MUST be removed before appending
		// /.well-known/openid-configuration" (Azure AD v1's
		// issuers end in one).
		URI configuration = URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
				+ "/.well-known/openid-configuration");
		return () -> {
			Map<String, Object> document;
			try {
				document = JSONObjectUtils.parse(http.get(configuration, MAX_DISCOVERY_BYTES));
			}
			catch (ParseException | RuntimeException ex) {
				throw new IOException(configuration + ": not a JSON object");
			}
			if (document == null) {
				throw new IOException(configuration + ": not a JSON object");
			}
			if (!issuer.equals(document.get("issuer"))) {
				throw new IOException(configuration + ": issuer does not match " + issuer);
			}
			if (!(document.get("jwks_uri") instanceof String jwksUri)) {
				throw new IOException(configuration + ": no jwks_uri");
			}
			URI uri;
			try {
				uri = new URI(jwksUri);
			}
			catch (URISyntaxException ex) {
				throw new IOException(configuration + ": jwks_uri is not a URL");
			}
			Optional<String> problem = HttpFetcher.urlProblem(uri, http.allowLoopbackHttp());
			if (problem.isPresent()) {
				throw new IOException(configuration + ": jwks_uri " + problem.get());
			}
			return jwks(uri, http).load();
		};
	}

	/**
	 * A SPIFFE bundle endpoint, https_web profile (SPIFFE Trust Domain and Bundle
	 * §5.2.1): the bundle's JWT authorities, its refresh hint, and a sequence number that
	 * must never go backwards.
	 */
	static RemoteKeys.Loader bundleEndpoint(TrustDomain trustDomain, URI uri, HttpFetcher http) {
		AtomicLong lastSequence = new AtomicLong(Long.MIN_VALUE);
		return () -> {
			SpiffeBundle bundle = SpiffeBundle.parse(trustDomain, http.get(uri, MAX_KEYS_BYTES));
			OptionalLong sequence = bundle.sequence();
			if (sequence.isPresent()) {
				long previous = lastSequence.get();
				if (sequence.getAsLong() < previous) {
					throw new IOException(
							uri + ": bundle sequence went backwards from " + previous + " to " + sequence.getAsLong());
				}
				lastSequence.set(sequence.getAsLong());
			}
			return new RemoteKeys.Loaded(bundle.authorities(), bundle.refreshHint());
		};
	}

}

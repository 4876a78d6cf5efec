package dev.writ.keys;

import java.util.List;
import java.util.Objects;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * One immutable snapshot of Writ's signing keys: the active key, which signs, and every key published in the
 * JWKS. Swapped whole, never edited.
 */
public final class SigningKeys {

	private final SigningKey active;

	private final List<SigningKey> published;

	private final JWKSet publicJwkSet;

	SigningKeys(SigningKey active, List<SigningKey> published) {
		this.active = Objects.requireNonNull(active, "active cannot be null");
		this.published = List.copyOf(published);
		if (!this.published.contains(active)) {
			throw new IllegalArgumentException("the active key must be published");
		}
		this.publicJwkSet = new JWKSet(this.published.stream().map(SigningKey::publicJwk).toList());
	}

	/** The key that signs new tokens. */
	public SigningKey active() {
		return this.active;
	}

	/** Every published key, the active one included. */
	public List<SigningKey> published() {
		return this.published;
	}

	/** The public JWK set: what {@code /oauth2/jwks} serves. Holds no private material. */
	public JWKSet publicJwkSet() {
		return this.publicJwkSet;
	}

	/** The public keys only. */
	public List<JWK> publicKeys() {
		return this.publicJwkSet.getKeys();
	}

}

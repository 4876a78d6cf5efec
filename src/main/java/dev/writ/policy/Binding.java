package dev.writ.policy;

import java.util.Locale;

/**
 * Whether a grant's tokens must be bound to a key their holder proves it has
 * ({@code binding:}): a bound token is useless to whoever copies it.
 */
public enum Binding {

	/** Bound when the request proves a key (a DPoP proof), bearer otherwise. */
	OPTIONAL,

	/**
	 * Bound to the key of the request's DPoP proof (RFC 9449); a bearer request is
	 * refused.
	 */
	DPOP,

	/** Bound by some proof of possession; today, as Writ binds tokens, DPoP. */
	REQUIRED;

	/** Its name in policy files. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Whether a bearer request is refused. */
	public boolean bound() {
		return this != OPTIONAL;
	}

}

package dev.writ.keys;

/** Where a signing key is in its life. */
public enum KeyState {

	/** Published, not signing yet: resource servers learn it before they meet it. */
	NEXT,

	/** Signs new tokens; published. */
	ACTIVE,

	/** No longer signs; published until every token it signed has expired. */
	RETIRED,

	/**
	 * No longer published: every token it signed has expired. Its file can be deleted.
	 */
	EXPIRED;

	/** Whether the JWKS carries keys in this state. */
	public boolean published() {
		return this != EXPIRED;
	}

}

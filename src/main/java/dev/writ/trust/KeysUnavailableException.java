package dev.writ.trust;

/**
 * A trust source has no keys that may be used: it fails closed. The message names no key
 * and no token.
 */
public final class KeysUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public KeysUnavailableException(String message) {
		super(message);
	}

}

package dev.writ.store;

/**
 * The shared store cannot answer (down, slow, full): whatever needed it fails closed.
 * Names no key and no token.
 */
public final class StoreUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public StoreUnavailableException(String message) {
		super(message, null, false, false);
	}

}

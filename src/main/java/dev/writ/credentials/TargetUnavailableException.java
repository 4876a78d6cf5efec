package dev.writ.credentials;

/**
 * A target did not do what Writ asked of it (down, slow, refusing): the request fails
 * closed with {@code temporarily_unavailable}. Its message names the target and the step,
 * never a credential.
 */
public final class TargetUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TargetUnavailableException(String message) {
		super(message, null, false, false);
	}

}

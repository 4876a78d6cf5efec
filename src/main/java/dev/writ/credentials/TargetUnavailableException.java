package dev.writ.credentials;

/**
 * A target did not do what Writ asked of it (down, slow, refusing): the request fails
 * closed with {@code temporarily_unavailable}. Its message names the target and the step,
 * never a credential.
 */
public final class TargetUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final boolean unreachable;

	private final boolean exists;

	/**
	 * A refusal of one request or one user (a role that is missing, a user that exists).
	 */
	public TargetUnavailableException(String message) {
		this(message, false);
	}

	/**
	 * @param unreachable whether the target itself could not be reached or logged in to
	 * (connection refused, timed out, admin refused): then the target is left alone a
	 * while, rather than asked again for every lease and request
	 */
	public TargetUnavailableException(String message, boolean unreachable) {
		this(message, unreachable, false);
	}

	private TargetUnavailableException(String message, boolean unreachable, boolean exists) {
		super(message, null, false, false);
		this.unreachable = unreachable;
		this.exists = exists;
	}

	/** The user Writ was to create exists already: it is not Writ's to remove. */
	static TargetUnavailableException exists(String target, String username) {
		return new TargetUnavailableException("target " + target + ": a user " + username + " exists already", false,
				true);
	}

	/** Whether the user to create existed already. */
	public boolean exists() {
		return this.exists;
	}

	/** Whether the target itself could not be reached or logged in to. */
	public boolean unreachable() {
		return this.unreachable;
	}

}

package dev.writ.cli;

/**
 * A command line Writ cannot make sense of: exit code 2, with the message and a pointer
 * to the usage.
 */
final class UsageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	UsageException(String message) {
		super(message);
	}

}

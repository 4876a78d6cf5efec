package dev.writ.error;

/** What an exception says, for a problem listed to an admin or logged. */
public final class Failures {

	private Failures() {
	}

	/** The exception's message, or its kind where it has none. */
	public static String message(Throwable ex) {
		String message = ex.getMessage();
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

}

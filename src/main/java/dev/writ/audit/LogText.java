package dev.writ.audit;

import org.jspecify.annotations.Nullable;

/**
 * Text from outside Writ (a remote JWKS's {@code kid}, an admin request's body, an
 * exception's message) made safe for a plain log line: every control character, and the
 * Unicode line and paragraph separators, written as a {@code \\uXXXX} escape, so that
 * such text can never start a log line of its own (CWE-117); and cut to
 * {@link #MAX_LENGTH} characters. Audit events are JSON and escape their own values.
 */
public final class LogText {

	/** Most characters of one value a log line shows. */
	public static final int MAX_LENGTH = 256;

	private LogText() {
	}

	/**
	 * {@code text} with its control characters escaped and cut to {@link #MAX_LENGTH};
	 * {@code "null"} for null.
	 */
	public static String safe(@Nullable Object text) {
		if (text == null) {
			return "null";
		}
		String value = text.toString();
		StringBuilder safe = new StringBuilder(Math.min(value.length(), MAX_LENGTH) + 16);
		for (int i = 0; i < value.length() && i < MAX_LENGTH; i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
				safe.append(String.format("\\u%04x", (int) c));
			}
			else {
				safe.append(c);
			}
		}
		if (value.length() > MAX_LENGTH) {
			safe.append("...");
		}
		return safe.toString();
	}

	/**
	 * An exception to log with its stack trace but a safe message: the message of an
	 * unexpected failure may quote what a request carried. Its causes are left out; their
	 * frames are rarely what a reader of the log needs.
	 */
	public static Throwable withSafeMessage(Throwable ex) {
		Throwable safe = new Throwable(safe(ex.getClass().getName() + ": " + ex.getMessage()));
		safe.setStackTrace(ex.getStackTrace());
		return safe;
	}

}

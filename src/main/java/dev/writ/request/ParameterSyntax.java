package dev.writ.request;

/**
 * The syntax of values that requests, policy files and settings share, defined once so
 * that what a policy may grant and what a request may ask for can never drift apart.
 */
public final class ParameterSyntax {

	private ParameterSyntax() {
	}

	/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
	public static boolean isScopeToken(String value) {
		return !value.isEmpty()
				&& value.chars().allMatch((c) -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E));
	}

	/**
	 * An audience Writ accepts: non-empty printable ASCII without spaces (RFC 8693 §2.1
	 * leaves the form open).
	 */
	public static boolean isAudience(String value) {
		return !value.isEmpty() && value.chars().allMatch((c) -> c > 0x20 && c < 0x7F);
	}

}

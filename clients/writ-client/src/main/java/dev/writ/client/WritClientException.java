package dev.writ.client;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * No token: Writ refused the exchange, could not be reached, or the identity token could
 * not be read. Carries Writ's {@code error} and {@code error_description} as Writ sent
 * them (RFC 6749 §5.2, RFC 8693 §2.2.2), and never a token.
 */
public final class WritClientException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** The {@link #error()} when Writ could not be reached or did not answer in time. */
	public static final String UNREACHABLE = "unreachable";

	/** The {@link #error()} when the workload's identity token could not be read. */
	public static final String NO_IDENTITY = "identity_unavailable";

	/** The {@link #error()} when Writ's answer was not one an OAuth server gives. */
	public static final String INVALID_RESPONSE = "invalid_response";

	private final String error;

	private final @Nullable String description;

	private final int status;

	private final @Nullable Duration retryAfter;

	WritClientException(String error, @Nullable String description, int status, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(message(error, (description != null) ? Http.printable(description) : null, status), cause);
		this.error = error;
		this.description = (description != null) ? Http.printable(description) : null;
		this.status = status;
		this.retryAfter = retryAfter;
	}

	static WritClientException local(String error, String description, @Nullable Throwable cause) {
		return new WritClientException(error, description, 0, null, cause);
	}

	/**
	 * The same failure, thrown again to another caller: its stack trace is that caller's,
	 * the first throw its cause.
	 */
	WritClientException again() {
		return new WritClientException(this.error, this.description, this.status, this.retryAfter, this);
	}

	private static String message(String error, @Nullable String description, int status) {
		return error + ((description != null) ? ": " + description : "")
				+ ((status != 0) ? " (HTTP " + status + ")" : "");
	}

	/**
	 * Writ's {@code error} code ({@code invalid_target}, {@code slow_down},
	 * {@code temporarily_unavailable}, ...), or one of this class's constants when Writ
	 * gave none.
	 */
	public String error() {
		return this.error;
	}

	/**
	 * Writ's {@code error_description} (control characters replaced, at most 200
	 * characters), or what went wrong here.
	 */
	public Optional<String> description() {
		return Optional.ofNullable(this.description);
	}

	/** The HTTP status of Writ's answer; empty when there was none. */
	public OptionalInt status() {
		return (this.status != 0) ? OptionalInt.of(this.status) : OptionalInt.empty();
	}

	/** How long Writ asked to wait ({@code Retry-After}), if it did. */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	/**
	 * Whether trying again later may succeed: Writ away, busy or limiting this workload.
	 */
	public boolean isTransient() {
		return this.error.equals(UNREACHABLE) || this.error.equals("temporarily_unavailable")
				|| this.error.equals("slow_down") || this.status >= 500;
	}

}

package dev.writ.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The one protocol exception of the exchange path: an {@link ErrorCode}, a public
 * description the client sees, and a detail that only reaches the log and the audit
 * event.
 *
 * <p>
 * The public description is short, leaks no secret and no trust configuration, and stays
 * within the RFC 6749 §5.2 {@code error_description} character set (%x20-21 / %x23-5B /
 * %x5D-7E); a description outside it is a programming error.
 */
public final class ExchangeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final ErrorCode errorCode;

	private final String detail;

	private final @Nullable Duration retryAfter;

	/**
	 * @param errorCode the protocol error code
	 * @param description what the client is told
	 * @param detail the precise reason, for the audit event and the log only; never a
	 * token or key
	 */
	public ExchangeException(ErrorCode errorCode, String description, String detail) {
		this(errorCode, description, detail, null);
	}

	/**
	 * @param errorCode the protocol error code
	 * @param description what the client is told
	 * @param detail the precise reason, for the audit event and the log only
	 * @param retryAfter when the client may retry, or null
	 */
	public ExchangeException(ErrorCode errorCode, String description, String detail, @Nullable Duration retryAfter) {
		super(checkDescription(description), null, false, false);
		this.errorCode = Objects.requireNonNull(errorCode, "errorCode cannot be null");
		this.detail = Objects.requireNonNull(detail, "detail cannot be null");
		this.retryAfter = retryAfter;
	}

	/** When the client may retry, if the error says. */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	/** An exception whose audit detail is its public description. */
	public ExchangeException(ErrorCode errorCode, String description) {
		this(errorCode, description, description);
	}

	public ErrorCode errorCode() {
		return this.errorCode;
	}

	/** What the client is told. */
	public String description() {
		// The constructor refuses a null description.
		return Objects.requireNonNull(getMessage(), "description cannot be null");
	}

	/** The precise reason, for the audit event and the log. */
	public String detail() {
		return this.detail;
	}

	static String checkDescription(String description) {
		Objects.requireNonNull(description, "description cannot be null");
		if (!isPublicDescription(description)) {
			throw new IllegalArgumentException("description must use the RFC 6749 error_description characters");
		}
		return description;
	}

	/**
	 * Whether a text may be an {@code error_description}: RFC 6749 §5.2's characters
	 * only.
	 */
	public static boolean isPublicDescription(String description) {
		for (int i = 0; i < description.length(); i++) {
			char c = description.charAt(i);
			if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
				return false;
			}
		}
		return true;
	}

}

package dev.writ.error;

/**
 * The error codes Writ answers with at the token endpoint, each with its HTTP status.
 *
 * <p>
 * RFC 6749 §5.2 defines the token endpoint's codes; RFC 8693 §2.2.2 adds
 * {@code invalid_target} and says which code fits a bad subject token
 * ({@code invalid_request}); RFC 6749 §4.1.2.1 defines {@code temporarily_unavailable}
 * and {@code server_error}, used here with their natural statuses.
 */
public enum ErrorCode {

	/**
	 * Malformed request, or a subject token that is invalid or unacceptable (RFC 8693
	 * §2.2.2).
	 */
	INVALID_REQUEST("invalid_request", 400),

	/** Client authentication failed (RFC 6749 §5.2): 401. */
	INVALID_CLIENT("invalid_client", 401),

	/**
	 * The grant is invalid (RFC 6749 §5.2): Spring's answer to an authorization code or
	 * refresh token it did not issue, which is every one, since Writ issues neither.
	 */
	INVALID_GRANT("invalid_grant", 400),

	/** The client may not use this grant type (RFC 6749 §5.2). */
	UNAUTHORIZED_CLIENT("unauthorized_client", 400),

	/** The grant type is not supported (RFC 6749 §5.2). */
	UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),

	/**
	 * The requested scope is invalid, unknown, malformed or exceeds what is granted (RFC
	 * 6749 §5.2).
	 */
	INVALID_SCOPE("invalid_scope", 400),

	/**
	 * No token can be issued for the requested audience or resource (RFC 8693 §2.2.2).
	 */
	INVALID_TARGET("invalid_target", 400),

	/**
	 * The request's DPoP proof is missing where it must be, or is not valid for it (RFC
	 * 9449 §5).
	 */
	INVALID_DPOP_PROOF("invalid_dpop_proof", 400),

	/**
	 * The DPoP proof lacks the server's current nonce (RFC 9449 §8): the answer carries
	 * one in {@code DPoP-Nonce}, to retry with.
	 */
	USE_DPOP_NONCE("use_dpop_nonce", 400),

	/**
	 * Too many requests for this subject or trust source; retry after the
	 * {@code Retry-After} the answer carries. ({@code slow_down} is RFC 8628 §3.5's code
	 * for the same request.)
	 */
	SLOW_DOWN("slow_down", 429),

	/**
	 * A dependency Writ needs is unavailable; the request may be retried (RFC 6749
	 * §4.1.2.1).
	 */
	TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503),

	/** An unexpected condition inside Writ; never caused by the request's content. */
	SERVER_ERROR("server_error", 500);

	private final String code;

	private final int httpStatus;

	ErrorCode(String code, int httpStatus) {
		this.code = code;
		this.httpStatus = httpStatus;
	}

	/** The code as it appears in the {@code error} member of the response. */
	public String code() {
		return this.code;
	}

	/** The HTTP status the error is answered with. */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * The code for an {@code error} value, or {@link #INVALID_REQUEST} for a value Writ
	 * does not define.
	 */
	public static ErrorCode fromCode(String code) {
		for (ErrorCode candidate : values()) {
			if (candidate.code.equals(code)) {
				return candidate;
			}
		}
		return INVALID_REQUEST;
	}

}

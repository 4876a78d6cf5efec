package dev.writ.audit;

import java.time.Instant;
import java.util.Objects;

import dev.writ.error.ErrorCode;

/**
 * The audit event of a token request turned away before the exchange read its form — for
 * how it was sent, or by Spring's own checks. Nothing of the request is recorded but the
 * reason; its outcome is always {@link Outcome#DENIED}.
 *
 * @param time when it was refused
 * @param error the code the client was answered
 * @param reason why, for the operator; may be null
 */
public record TransportRefusalEvent(Instant time, ErrorCode error, String reason) implements AuditEvent {

	public TransportRefusalEvent {
		Objects.requireNonNull(time, "time cannot be null");
		Objects.requireNonNull(error, "error cannot be null");
	}

	/** {@link Outcome#DENIED}: a transport refusal is never anything else. */
	public Outcome outcome() {
		return Outcome.DENIED;
	}

}

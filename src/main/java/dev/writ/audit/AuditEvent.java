package dev.writ.audit;

import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * An audit event: what was asked, what was decided and why. One record per kind —
 * {@link TokenExchangeEvent} for an exchange, {@link TransportRefusalEvent} for a request
 * turned away before the exchange read it — each serialised by {@link AuditFields} alone.
 * An event names tokens only by their SHA-256 digest and never holds a token, a key or a
 * full claim set.
 */
public sealed interface AuditEvent permits TokenExchangeEvent, TransportRefusalEvent {

	/** When the event began. */
	Instant time();

	/**
	 * The fields as they are written, in a stable order; values are strings, numbers,
	 * booleans, lists or maps.
	 */
	default Map<String, Object> fields() {
		return AuditFields.of(this);
	}

	/** The event as one line of JSON, its fields in order. */
	default String toJson() {
		return JSONObjectUtils.toJSONString(fields());
	}

}

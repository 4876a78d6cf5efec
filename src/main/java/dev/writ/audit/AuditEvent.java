package dev.writ.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one audit event of one exchange: what was asked, what was decided and why. It names tokens only by their
 * SHA-256 digest and never holds a token, a key or a full claim set.
 */
public final class AuditEvent {

	private final Map<String, Object> fields;

	private AuditEvent(Map<String, Object> fields) {
		this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
	}

	/** A new event, begun at {@code time}. */
	public static Builder begin(Instant time) {
		return new Builder(time);
	}

	/** The fields, in a stable order; values are strings, numbers, booleans or lists of strings. */
	public Map<String, Object> fields() {
		return this.fields;
	}

	/** The event as one line of JSON, its fields in order. */
	public String toJson() {
		return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(this.fields);
	}

	/** Builds the event as the exchange goes; a step that never ran leaves its fields out. */
	public static final class Builder {

		private final Map<String, Object> fields = new LinkedHashMap<>();

		private Builder(Instant time) {
			this.fields.put("time", time.toString());
			this.fields.put("event", "token_exchange");
		}

		/** Sets a field; a null value leaves it out. */
		public Builder with(String name, Object value) {
			Objects.requireNonNull(name, "name cannot be null");
			if (value != null) {
				this.fields.put(name, value);
			}
			return this;
		}

		public AuditEvent build() {
			return new AuditEvent(this.fields);
		}

	}

}

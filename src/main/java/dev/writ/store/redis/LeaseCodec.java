package dev.writ.store.redis;

import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.writ.store.Lease;
import dev.writ.store.StoreUnavailableException;

/** A lease as one JSON object in Redis. */
final class LeaseCodec {

	private LeaseCodec() {
	}

	static String encode(Lease lease) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("id", lease.id());
		fields.put("target", lease.target());
		fields.put("username", lease.username());
		fields.put("grant", lease.grant());
		fields.put("subject", lease.subject());
		fields.put("issued_at", lease.issuedAt().toEpochMilli());
		fields.put("expires_at", lease.expiresAt().toEpochMilli());
		fields.put("revoked", lease.revoked());
		return JSONObjectUtils.toJSONString(fields);
	}

	// A value that is not a lease of this codec is a store fault, never a lease dropped
	// silently: its credential would stay behind.
	static Lease decode(String value) {
		try {
			Map<String, Object> fields = JSONObjectUtils.parse(value);
			return new Lease(text(fields, "id"), text(fields, "target"), text(fields, "username"),
					text(fields, "grant"), text(fields, "subject"), instant(fields, "issued_at"),
					instant(fields, "expires_at"), Boolean.TRUE.equals(fields.get("revoked")));
		}
		catch (ParseException | RuntimeException ex) {
			throw new StoreUnavailableException("Redis holds a lease Writ cannot read");
		}
	}

	private static String text(Map<String, Object> fields, String name) {
		if (!(fields.get(name) instanceof String value)) {
			throw new IllegalArgumentException(name);
		}
		return value;
	}

	private static Instant instant(Map<String, Object> fields, String name) {
		if (!(fields.get(name) instanceof Number value)) {
			throw new IllegalArgumentException(name);
		}
		return Instant.ofEpochMilli(value.longValue());
	}

}

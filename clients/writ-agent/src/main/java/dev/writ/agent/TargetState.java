package dev.writ.agent;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.writ.client.AccessToken;
import dev.writ.client.TokenRequest;
import org.jspecify.annotations.Nullable;

/**
 * One target of an {@link Agent} and what the agent last did for it; read by the health
 * server's thread.
 */
final class TargetState {

	final TokenRequest request;

	final Path file;

	volatile @Nullable String written;

	volatile @Nullable Instant expiresAt;

	volatile @Nullable Instant writtenAt;

	volatile @Nullable String error;

	volatile @Nullable String errorDescription;

	volatile @Nullable Instant errorAt;

	TargetState(TokenRequest request, Path file) {
		this.request = request;
		this.file = file;
	}

	void written(AccessToken token, Instant now) {
		this.written = token.value();
		this.expiresAt = token.expiresAt();
		this.writtenAt = now;
		this.error = null;
		this.errorDescription = null;
		this.errorAt = null;
	}

	/**
	 * Records a failure; whether it differs from the last one (to be said once, not every
	 * second).
	 */
	boolean failed(String error, String description, Instant now) {
		boolean first = !error.equals(this.error) || !description.equals(this.errorDescription);
		this.error = error;
		this.errorDescription = description;
		this.errorAt = now;
		return first;
	}

	Map<String, Object> status() {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("audience", this.request.audience());
		status.put("scopes", List.copyOf(this.request.scopes()));
		status.put("file", this.file.toString());
		Instant expires = this.expiresAt;
		Instant writtenAt = this.writtenAt;
		status.put("expires_at", (expires != null) ? expires.toString() : null);
		status.put("written_at", (writtenAt != null) ? writtenAt.toString() : null);
		String error = this.error;
		if (error != null) {
			Map<String, Object> last = new LinkedHashMap<>();
			last.put("error", error);
			last.put("error_description", this.errorDescription);
			Instant at = this.errorAt;
			last.put("at", (at != null) ? at.toString() : null);
			status.put("last_error", last);
		}
		return status;
	}

}

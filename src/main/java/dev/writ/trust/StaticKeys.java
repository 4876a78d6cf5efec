package dev.writ.trust;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/** Keys read once from a file: they change only when the policies are reloaded. */
final class StaticKeys implements KeyProvider {

	private final KeySet keys;

	private final Instant loadedAt;

	StaticKeys(KeySet keys, Instant loadedAt) {
		this.keys = Objects.requireNonNull(keys, "keys cannot be null");
		this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt cannot be null");
	}

	@Override
	public KeySet keys(@Nullable String kid) {
		return this.keys;
	}

	@Override
	public SourceHealth health() {
		return SourceHealth.up(this.loadedAt);
	}

}

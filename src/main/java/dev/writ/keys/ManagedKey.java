package dev.writ.keys;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A signing key with its place in the schedule, at the moment its {@link SigningKeys}
 * snapshot was made.
 *
 * @param key the key
 * @param file its file
 * @param created when it was made: the time in a name Writ generated
 * ({@code signing-20261122T100000Z.pem}), else the file's modification time
 * @param activeFrom when it starts (or started) signing: {@code created} plus the
 * publish-ahead time; the very first key signs from the start
 * @param activeUntil when it stopped signing (its successor's {@code activeFrom});
 * {@code null} while it has none
 * @param publishedUntil when it leaves the JWKS ({@code activeUntil} plus the retire
 * time); {@code null} while it has no successor
 * @param state its state
 */
public record ManagedKey(SigningKey key, Path file, Instant created, Instant activeFrom, @Nullable Instant activeUntil,
		@Nullable Instant publishedUntil, KeyState state) {

	public ManagedKey {
		Objects.requireNonNull(key, "key cannot be null");
		Objects.requireNonNull(file, "file cannot be null");
		Objects.requireNonNull(created, "created cannot be null");
		Objects.requireNonNull(activeFrom, "activeFrom cannot be null");
		Objects.requireNonNull(state, "state cannot be null");
	}

	public String kid() {
		return this.key.kid();
	}

}

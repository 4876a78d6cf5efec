package dev.writ.keys;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current {@link SigningKeys} snapshot; a change of keys replaces the snapshot
 * whole.
 */
public final class KeyRing {

	private final AtomicReference<SigningKeys> current;

	public KeyRing(SigningKeys initial) {
		this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial cannot be null"));
	}

	/** The keys in force now. */
	public SigningKeys current() {
		// Set at construction, and only ever replaced by a whole snapshot.
		return Objects.requireNonNull(this.current.get(), "current cannot be null");
	}

	/** Puts a new snapshot in force, whole; returns the one it replaced. */
	public SigningKeys replace(SigningKeys next) {
		return this.current.getAndSet(Objects.requireNonNull(next, "next cannot be null"));
	}

}

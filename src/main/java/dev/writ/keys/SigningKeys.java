package dev.writ.keys;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * One immutable snapshot of Writ's signing keys at one moment: the active key, which
 * signs, every key published in the JWKS (next, active, retired), and the expired ones no
 * longer published. Swapped whole, never edited.
 */
public final class SigningKeys {

	private final Instant at;

	private final List<ManagedKey> keys;

	private final ManagedKey active;

	private final List<SigningKey> published;

	private final JWKSet publicJwkSet;

	private SigningKeys(Instant at, List<ManagedKey> keys) {
		this.at = at;
		this.keys = List.copyOf(keys);
		List<ManagedKey> actives = this.keys.stream().filter((k) -> k.state() == KeyState.ACTIVE).toList();
		if (actives.size() != 1) {
			throw new IllegalArgumentException("exactly one key must be active, not " + actives.size());
		}
		this.active = actives.get(0);
		this.published = this.keys.stream().filter((k) -> k.state().published()).map(ManagedKey::key).toList();
		this.publicJwkSet = new JWKSet(this.published.stream().map(SigningKey::publicJwk).toList());
	}

	/**
	 * Places keys in the schedule at {@code now}. The keys are ordered by when they start
	 * signing (then by file name); the last one whose time has come is active, the ones
	 * after it are next, the ones before it retired until their successor has signed for
	 * {@code retireAfter}, then expired. When no key's time has come — the very first key
	 * of a directory — the first in order is active at once: nobody can hold a token from
	 * an earlier one.
	 * @param keys the keys, each with its file and creation time
	 * @param now the moment of the snapshot
	 * @param schedule the schedule
	 * @return the snapshot
	 */
	static SigningKeys schedule(List<Candidate> keys, Instant now, KeySchedule schedule) {
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("no signing keys");
		}
		List<Candidate> ordered = keys.stream()
			.sorted(Comparator.comparing((Candidate c) -> c.created().plus(schedule.publishAhead()))
				.thenComparing((c) -> c.file().getFileName().toString()))
			.toList();
		int active = -1;
		for (int i = 0; i < ordered.size(); i++) {
			if (!ordered.get(i).created().plus(schedule.publishAhead()).isAfter(now)) {
				active = i;
			}
		}
		boolean bootstrap = active < 0;
		if (bootstrap) {
			active = 0;
		}
		List<ManagedKey> managed = new ArrayList<>();
		for (int i = 0; i < ordered.size(); i++) {
			Candidate candidate = ordered.get(i);
			Instant activeFrom = (bootstrap && i == 0) ? candidate.created()
					: candidate.created().plus(schedule.publishAhead());
			Instant activeUntil = (i + 1 < ordered.size()) ? ordered.get(i + 1).created().plus(schedule.publishAhead())
					: null;
			Instant publishedUntil = (activeUntil != null) ? activeUntil.plus(schedule.retireAfter()) : null;
			KeyState state;
			if (i == active) {
				state = KeyState.ACTIVE;
			}
			else if (i > active) {
				state = KeyState.NEXT;
			}
			else {
				state = now.isBefore(publishedUntil) ? KeyState.RETIRED : KeyState.EXPIRED;
			}
			managed.add(new ManagedKey(candidate.key(), candidate.file(), candidate.created(), activeFrom, activeUntil,
					publishedUntil, state));
		}
		return new SigningKeys(now, managed);
	}

	/**
	 * The same keys placed in the schedule at another moment: the last good set, when a
	 * reload is refused.
	 */
	public SigningKeys reschedule(Instant now, KeySchedule schedule) {
		return schedule(this.keys.stream().map((k) -> new Candidate(k.key(), k.file(), k.created())).toList(), now,
				schedule);
	}

	/** A loaded key waiting for its place in the schedule. */
	record Candidate(SigningKey key, Path file, Instant created) {

		Candidate {
			Objects.requireNonNull(key, "key cannot be null");
			Objects.requireNonNull(file, "file cannot be null");
			Objects.requireNonNull(created, "created cannot be null");
		}

	}

	/** The moment this snapshot describes. */
	public Instant at() {
		return this.at;
	}

	/** The key that signs new tokens. */
	public SigningKey active() {
		return this.active.key();
	}

	/** Every key with its state, in schedule order: expired, retired, active, next. */
	public List<ManagedKey> keys() {
		return this.keys;
	}

	/** The key whose {@code kid} this is, in whatever state. */
	public Optional<ManagedKey> key(String kid) {
		return this.keys.stream().filter((k) -> k.kid().equals(kid)).findFirst();
	}

	/** Every published key: next, active and retired. */
	public List<SigningKey> published() {
		return this.published;
	}

	/**
	 * The public JWK set: what {@code /oauth2/jwks} serves. Holds no private material.
	 */
	public JWKSet publicJwkSet() {
		return this.publicJwkSet;
	}

	/** The public keys only. */
	public List<JWK> publicKeys() {
		return this.publicJwkSet.getKeys();
	}

	/** The next time a key changes state, if any is scheduled. */
	public Optional<Instant> nextChange() {
		return this.keys.stream()
			.flatMap((k) -> Stream.of(k.activeFrom(), k.publishedUntil()))
			.filter((t) -> t != null && t.isAfter(this.at))
			.min(Comparator.naturalOrder());
	}

	/** Whether {@code other} has the same keys in the same states. */
	public boolean sameAs(SigningKeys other) {
		return other != null && states().equals(other.states());
	}

	private List<String> states() {
		return this.keys.stream().map((k) -> k.kid() + ":" + k.state() + ":" + k.key().source()).toList();
	}

}

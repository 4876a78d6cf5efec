package dev.writ.config;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * Who federates already: when each subject last got a Writ token for each audience, and
 * when each grant last issued one, on this node since it started — the evidence that
 * turns an API-key exception {@code ready-to-retire}. Bounded: past {@link #MAX_PAIRS}
 * subject and audience pairs, new pairs are counted, not kept. Grants are named by the
 * policies, so they are few.
 */
final class GrantUsage {

	static final int MAX_PAIRS = 50_000;

	private record Pair(String subject, String audience) {
	}

	private final ConcurrentHashMap<Pair, Instant> pairs = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Instant> grants = new ConcurrentHashMap<>();

	private final AtomicLong dropped = new AtomicLong();

	private final BiPredicate<String, String> wanted;

	/**
	 * @param wanted whether the register asks about a subject and audience
	 */
	GrantUsage(BiPredicate<String, String> wanted) {
		this.wanted = wanted;
	}

	/** A granted exchange. */
	void granted(String subject, String audience, String grant, Instant at) {
		if (this.wanted.test(subject, audience)) {
			Pair pair = new Pair(subject, audience);
			if (this.pairs.size() < MAX_PAIRS || this.pairs.containsKey(pair)) {
				this.pairs.put(pair, at);
			}
			else {
				this.dropped.incrementAndGet();
			}
		}
		Instant last = this.grants.get(grant);
		if (last == null || at.isAfter(last.plusSeconds(1))) {
			this.grants.put(grant, at);
		}
	}

	/** Whether {@code subject} has got a Writ token for {@code audience} on this node. */
	boolean used(String subject, String audience) {
		return this.pairs.containsKey(new Pair(subject, audience));
	}

	/** When {@code grant} last issued a token on this node. */
	Optional<Instant> lastUsed(String grant) {
		return Optional.ofNullable(this.grants.get(grant));
	}

	/** Pairs not kept because the summary was full. */
	long dropped() {
		return this.dropped.get();
	}

}

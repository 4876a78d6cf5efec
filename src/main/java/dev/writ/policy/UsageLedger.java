package dev.writ.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Who federates already, from granted exchanges: per grant and per subject, the last use
 * and the exchanges in the last {@value #WINDOW_DAYS} days (counted per day); and whether
 * a subject has got a Writ token for an audience the register asks about — the evidence
 * that turns an API-key exception {@code ready-to-retire}. The server keeps one for the
 * exchanges it grants; {@code writ governance report --audit} fills one from an audit
 * file. Bounded: past {@link #MAX_SUBJECTS} subjects or {@link #MAX_PAIRS} pairs, new
 * ones are counted in {@link #notKept()}, not kept. Safe for concurrent use.
 */
public final class UsageLedger {

	/** The window of the exchange counts, in days, today included. */
	public static final int WINDOW_DAYS = 30;

	static final int MAX_PAIRS = 50_000;

	static final int MAX_SUBJECTS = 10_000;

	static final int MAX_GRANTS = 10_000;

	/** One subject's or grant's use. */
	public record Use(String name, Instant lastUsed, long exchanges) {
	}

	private record Pair(String subject, String audience) {
	}

	private final ConcurrentHashMap<Pair, Boolean> pairs = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Days> grants = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Days> subjects = new ConcurrentHashMap<>();

	private final AtomicLong notKept = new AtomicLong();

	private final BiPredicate<String, String> wanted;

	private final Predicate<String> grantKept;

	/**
	 * @param wanted whether the register asks about a subject and audience: only those
	 * pairs are kept
	 * @param grantKept whether a grant is one the policies name: only those are kept
	 */
	public UsageLedger(BiPredicate<String, String> wanted, Predicate<String> grantKept) {
		this.wanted = wanted;
		this.grantKept = grantKept;
	}

	/** A granted exchange. */
	public void granted(String subject, String audience, String grant, Instant at) {
		if (this.wanted.test(subject, audience)) {
			Pair pair = new Pair(subject, audience);
			if (this.pairs.size() < MAX_PAIRS || this.pairs.containsKey(pair)) {
				this.pairs.putIfAbsent(pair, Boolean.TRUE);
			}
			else {
				this.notKept.incrementAndGet();
			}
		}
		if (this.grantKept.test(grant)) {
			count(this.grants, MAX_GRANTS, grant, at);
		}
		count(this.subjects, MAX_SUBJECTS, subject, at);
	}

	private void count(ConcurrentHashMap<String, Days> map, int max, String name, Instant at) {
		Days days = map.get(name);
		if (days == null) {
			if (map.size() >= max) {
				this.notKept.incrementAndGet();
				return;
			}
			days = map.computeIfAbsent(name, (n) -> new Days());
		}
		days.add(at);
	}

	/** Whether {@code subject} has got a Writ token for {@code audience}. */
	public boolean used(String subject, String audience) {
		return this.pairs.containsKey(new Pair(subject, audience));
	}

	/** A grant's use, if it has issued a token on the evidence at hand. */
	public Optional<Use> grant(String grant, LocalDate today) {
		Days days = this.grants.get(grant);
		return Optional.ofNullable((days != null) ? days.use(grant, today) : null);
	}

	/** When a grant last issued a token, on the evidence at hand. */
	public Optional<Instant> lastUsed(String grant) {
		Days days = this.grants.get(grant);
		return Optional.ofNullable((days != null) ? days.last() : null);
	}

	/** Every subject kept, the most exchanges in the window first, then by name. */
	public List<Use> subjects(LocalDate today) {
		List<Use> uses = new ArrayList<>();
		for (Map.Entry<String, Days> entry : this.subjects.entrySet()) {
			Use use = entry.getValue().use(entry.getKey(), today);
			if (use != null) {
				uses.add(use);
			}
		}
		uses.sort(Comparator.comparingLong(Use::exchanges).reversed().thenComparing(Use::name));
		return uses;
	}

	/** Subjects, grants or pairs not kept because the ledger was full. */
	public long notKept() {
		return this.notKept.get();
	}

	/**
	 * A day-by-day count over the window: slot {@code day % WINDOW_DAYS} holds that day's
	 * count, reset when a later day takes the slot. A use older than its slot's day is
	 * outside the window of any later day, and only updates the last use.
	 */
	private static final class Days {

		private final long[] day = new long[WINDOW_DAYS];

		private final int[] count = new int[WINDOW_DAYS];

		private @Nullable Instant last;

		synchronized void add(Instant at) {
			if (this.last == null || at.isAfter(this.last)) {
				this.last = at;
			}
			long epochDay = Math.floorDiv(at.getEpochSecond(), 86_400L);
			int slot = (int) Math.floorMod(epochDay, (long) WINDOW_DAYS);
			if (this.count[slot] == 0 || this.day[slot] < epochDay) {
				this.day[slot] = epochDay;
				this.count[slot] = 1;
			}
			else if (this.day[slot] == epochDay && this.count[slot] < Integer.MAX_VALUE) {
				this.count[slot]++;
			}
		}

		// Null only between a Days' making and its first use.
		synchronized @Nullable Instant last() {
			return this.last;
		}

		synchronized @Nullable Use use(String name, LocalDate today) {
			Instant lastUsed = this.last;
			if (lastUsed == null) {
				return null;
			}
			long end = today.toEpochDay();
			long exchanges = 0;
			for (int i = 0; i < WINDOW_DAYS; i++) {
				if (this.count[i] > 0 && this.day[i] <= end && this.day[i] > end - WINDOW_DAYS) {
					exchanges += this.count[i];
				}
			}
			return new Use(name, lastUsed, exchanges);
		}

	}

}

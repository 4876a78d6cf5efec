package dev.writ.exchange;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.writ.audit.TokenDigest;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.SourceRules;
import dev.writ.store.RateLimits;
import dev.writ.store.StoreUnavailableException;
import dev.writ.store.memory.MemoryStore;
import dev.writ.trust.VerifiedSubject;

/**
 * A trust entry's rate limits, counted so that nobody spends another's budget:
 * <ul>
 * <li>An <b>allowed</b> exchange, before it is minted, spends its subject's budget
 * ({@code rate_limit.subject}) and its tenant's ({@code rate_limit.source}): on a shared
 * issuer every tenant — each value of the entry's {@code tenant_claims} — has a source
 * budget of its own, so one tenant cannot exhaust another's. Counted in the shared store,
 * across the fleet. This protects the signing key and what the store holds.</li>
 * <li>A <b>refused</b> exchange never touches those budgets, so that strangers on a
 * shared issuer (anyone can mint a token for Writ's audience there) cannot lock a tenant
 * out. Refusals are counted apart, per subject against the subject limit, on this node
 * only: a subject that keeps being refused is answered {@code slow_down}, and no refusal
 * ever writes to the shared store.</li>
 * </ul>
 */
final class ExchangeLimits {

	/**
	 * Subjects whose refusals one node keeps count of; beyond this, refusals go uncounted
	 * (and are refused all the same).
	 */
	static final int MAX_REFUSED_SUBJECTS = 100_000;

	private final RateLimits shared;

	// This node's own count: refusals never reach the shared store.
	private final RateLimits refusals;

	ExchangeLimits(RateLimits shared, Clock clock) {
		this.shared = shared;
		this.refusals = new MemoryStore(clock, MAX_REFUSED_SUBJECTS);
	}

	/**
	 * Spends an allowed exchange's budgets.
	 * @throws ExchangeException {@code slow_down} when one is spent,
	 * {@code temporarily_unavailable} when the store is away and the entry does not carry
	 * on without it
	 */
	void allowed(VerifiedSubject subject, SourceRules guards, TokenExchangeEvent.Builder event) {
		List<Budget> budgets = new ArrayList<>(2);
		guards.subjectLimit().ifPresent((limit) -> budgets.add(new Budget("subject", subjectKey(subject), limit)));
		guards.sourceLimit()
			.ifPresent(
					(limit) -> budgets.add(new Budget(guards.tenantClaims().isEmpty() ? "source" : "tenant of source",
							"source:" + subject.trustSource() + tenant(subject, guards), limit)));
		try {
			for (Budget budget : budgets) {
				spend(this.shared, budget);
			}
		}
		catch (StoreUnavailableException ex) {
			if (!guards.carryOnWithoutStore()) {
				throw TokenExchangeService.unavailable(ex);
			}
			event.carriedOnWithoutStore();
		}
	}

	/**
	 * Counts a refusal of a verified subject on this node.
	 * @throws ExchangeException {@code slow_down} once the subject has been refused more
	 * than its subject limit
	 */
	void refused(VerifiedSubject subject, SourceRules guards) {
		if (guards.subjectLimit().isEmpty()) {
			return;
		}
		try {
			spend(this.refusals,
					new Budget("refusals of subject", "refused:" + subjectKey(subject), guards.subjectLimit().get()));
		}
		catch (StoreUnavailableException ex) {
			// This node's count is full: the refusal stands as it is, uncounted.
		}
	}

	private static void spend(RateLimits limits, Budget budget) {
		SourceRules.RateLimit rate = budget.limit();
		Optional<Duration> wait = limits.acquire(budget.key(), rate.limit(), rate.window());
		if (wait.isPresent()) {
			throw new ExchangeException(
					ErrorCode.SLOW_DOWN, "too many requests; retry later", "rate limit " + rate.limit() + " per "
							+ rate.window().toSeconds() + "s of " + budget.name() + " reached",
					Duration.ofSeconds(Math.max(1, (wait.get().toMillis() + 999) / 1000)));
		}
	}

	private static String subjectKey(VerifiedSubject subject) {
		return "subject:" + subject.trustSource() + "|" + subject.subject();
	}

	// The tenant is the tuple of the token's tenant claims; as a digest, so that a store
	// key stays short whatever
	// the claims hold.
	private static String tenant(VerifiedSubject subject, SourceRules guards) {
		if (guards.tenantClaims().isEmpty()) {
			return "";
		}
		StringBuilder tuple = new StringBuilder();
		// Typed, so that a missing claim, the string "null", a number and a list never
		// share a budget.
		guards.tenantClaims().stream().sorted().forEach((claim) -> {
			Object value = subject.claims().get(claim);
			tuple.append(claim)
				.append('\u0000')
				.append((value == null) ? "absent" : value.getClass().getSimpleName())
				.append('\u0000')
				.append(value)
				.append('\u0000');
		});
		return "|tenant:" + TokenDigest.of(tuple.toString());
	}

	private record Budget(String name, String key, SourceRules.RateLimit limit) {
	}

}

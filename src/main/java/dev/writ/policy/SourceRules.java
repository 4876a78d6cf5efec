package dev.writ.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.writ.context.AttributeMapping;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.trust.VerifiedSubject;

/**
 * What a trust entry says beyond its keys: how its claims map to attributes, which claims
 * identify a tenant on a shared issuer (every grant must pin them), whether tokens may
 * outlive the subject token, whether a subject token may be exchanged more than once, and
 * how often.
 *
 * @param attributes the attribute mapping
 * @param tenantClaims the claims every grant for this source must pin to literal values;
 * empty for an issuer that serves one organisation only
 * @param capTtlToSubject whether an issued token's lifetime is capped by the subject
 * token's remaining life
 * @param oneTime whether each subject token may be exchanged only once
 * ({@code replay: one-time})
 * @param subjectLimit the most exchanges per subject per window, if limited
 * @param sourceLimit the most exchanges for the whole source per window, if limited
 * @param carryOnWithoutStore whether exchanges go on, without rate limits, while the
 * shared store is unavailable (allowed for {@code reuse} sources only)
 * @param maxTokenLifetime the longest remaining life a subject token may have
 * ({@code max_token_lifetime})
 * @param multipleAudiences whether a token may name more than one audience
 * ({@code multiple_audiences}; SPIFFE only)
 * @param binding whether every token for this source's subjects must be bound to a key
 * the request proves ({@code binding}; a grant may require it too)
 */
public record SourceRules(AttributeMapping attributes, Set<String> tenantClaims, boolean capTtlToSubject,
		boolean oneTime, Optional<RateLimit> subjectLimit, Optional<RateLimit> sourceLimit, boolean carryOnWithoutStore,
		Duration maxTokenLifetime, boolean multipleAudiences, Binding binding) {

	/**
	 * How long a subject token may still live by default. Workload tokens live minutes to
	 * hours; a longer one is a long-lived credential in disguise, and replay protection
	 * would have to remember it as long.
	 */
	public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);

	/** The most {@code max_token_lifetime} may be set to. */
	public static final Duration LONGEST_MAX_TOKEN_LIFETIME = Duration.ofDays(31);

	public static final SourceRules DEFAULT = new SourceRules(AttributeMapping.none(), Set.of(), true, false,
			Optional.empty(), Optional.empty(), false, DEFAULT_MAX_TOKEN_LIFETIME, false, Binding.OPTIONAL);

	public SourceRules {
		Objects.requireNonNull(attributes, "attributes cannot be null");
		tenantClaims = Set.copyOf(tenantClaims);
		Objects.requireNonNull(binding, "binding cannot be null");
		Objects.requireNonNull(subjectLimit, "subjectLimit cannot be null");
		Objects.requireNonNull(sourceLimit, "sourceLimit cannot be null");
		if (oneTime && carryOnWithoutStore) {
			throw new IllegalArgumentException("a one-time source cannot carry on without the store");
		}
		Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime cannot be null");
	}

	/**
	 * Refuses a verified subject token this entry does not take: one that still lives
	 * longer than {@link #maxTokenLifetime()} (beyond the clock skew), or, unless
	 * allowed, one that names more than one audience. The JWT-SVID specification (§3)
	 * strongly recommends a single audience: a token for several can be replayed at Writ
	 * by every other audience's holder.
	 * @throws ExchangeException {@code invalid_request}
	 */
	public void admit(VerifiedSubject subject, Instant now, Duration skew) {
		if (Duration.between(now, subject.expiresAt()).compareTo(this.maxTokenLifetime.plus(skew)) > 0) {
			throw new ExchangeException(ErrorCode.INVALID_REQUEST,
					"subject_token lives longer than this server accepts",
					"subject token expires at " + subject.expiresAt() + ", beyond max_token_lifetime "
							+ Durations.format(this.maxTokenLifetime));
		}
		if (!this.multipleAudiences && subject.claims().get("aud") instanceof List<?> audiences
				&& audiences.size() > 1) {
			throw new ExchangeException(ErrorCode.INVALID_REQUEST, "subject_token names more than one audience",
					"aud names " + audiences.size() + " audiences; the entry does not allow multiple_audiences");
		}
	}

	/**
	 * A rate limit.
	 *
	 * @param limit how many exchanges
	 * @param window per how long
	 */
	public record RateLimit(int limit, Duration window) {
	}

}

package dev.writ.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.writ.context.AttributeMapping;

/**
 * What a trust entry says beyond its keys: how its claims map to attributes, which claims identify a tenant on a
 * shared issuer (every grant must pin them), whether tokens may outlive the subject token, whether a subject token
 * may be exchanged more than once, and how often.
 *
 * @param attributes the attribute mapping
 * @param tenantClaims the claims every grant for this source must pin to literal values; empty for an issuer that
 * serves one organisation only
 * @param capTtlToSubject whether an issued token's lifetime is capped by the subject token's remaining life
 * @param oneTime whether each subject token may be exchanged only once ({@code replay: one-time})
 * @param subjectLimit the most exchanges per subject per window, if limited
 * @param sourceLimit the most exchanges for the whole source per window, if limited
 * @param carryOnWithoutStore whether exchanges go on, without rate limits, while the shared store is unavailable
 * (allowed for {@code reuse} sources only)
 */
public record SourcePolicy(AttributeMapping attributes, Set<String> tenantClaims, boolean capTtlToSubject,
		boolean oneTime, Optional<RateLimit> subjectLimit, Optional<RateLimit> sourceLimit, boolean carryOnWithoutStore) {

	static final SourcePolicy DEFAULT = new SourcePolicy(AttributeMapping.none(), Set.of(), true, false, Optional.empty(),
			Optional.empty(), false);

	public SourcePolicy {
		Objects.requireNonNull(attributes, "attributes cannot be null");
		tenantClaims = Set.copyOf(tenantClaims);
		Objects.requireNonNull(subjectLimit, "subjectLimit cannot be null");
		Objects.requireNonNull(sourceLimit, "sourceLimit cannot be null");
		if (oneTime && carryOnWithoutStore) {
			throw new IllegalArgumentException("a one-time source cannot carry on without the store");
		}
	}

	/**
	 * A rate limit.
	 *
	 * @param limit how many exchanges
	 * @param window per how long
	 */
	public record RateLimit(int limit, Duration window) {

		/** Parses {@code "60 per 1m"}. */
		static Optional<RateLimit> parse(String text) {
			String[] parts = text.trim().split("\\s+per\\s+");
			if (parts.length != 2 || !parts[0].matches("[1-9][0-9]{0,6}")) {
				return Optional.empty();
			}
			return Durations.parse(parts[1]).map((window) -> new RateLimit(Integer.parseInt(parts[0]), window));
		}

	}

}

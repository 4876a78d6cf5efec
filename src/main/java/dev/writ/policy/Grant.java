package dev.writ.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * One compiled grant: which subjects of which trust source may get a token for which audience, with at most which
 * scopes, for how long.
 *
 * @param id the grant's unique id
 * @param subject which subjects it applies to
 * @param audience the one audience its tokens are for
 * @param scopes the most scopes its tokens may carry
 * @param ttl the lifetime of its tokens, already within the server's cap
 * @param source where it is defined, {@code file:line}
 */
record Grant(String id, SubjectMatcher subject, String audience, Set<String> scopes, Duration ttl, String source) {

	Grant {
		Objects.requireNonNull(id, "id cannot be null");
		Objects.requireNonNull(subject, "subject cannot be null");
		Objects.requireNonNull(audience, "audience cannot be null");
		scopes = Set.copyOf(scopes);
		Objects.requireNonNull(ttl, "ttl cannot be null");
		Objects.requireNonNull(source, "source cannot be null");
	}

}

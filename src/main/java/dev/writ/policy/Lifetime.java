package dev.writ.policy;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.writ.context.ExchangeContext;

/**
 * How long a token may live: its grant's {@code ttl}, capped by what is left of the
 * subject token where its source says so or where it is a Writ token exchanged again (a
 * chain never outlives its root), and by what is left of the actor token's (a delegated
 * token never outlives the actor's credential). Past its expiry, or within a second of
 * it, such a token is too late to cap anything by: the exchange is refused.
 *
 * @param ttl the lifetime, or null when refused
 * @param description the refusal's description for the client
 * @param detail the refusal's detail for the operator
 */
record Lifetime(@Nullable Duration ttl, String description, String detail) {

	/**
	 * The life of what a grant issues: a token's as its source says, a credential's
	 * within its target's {@code max_ttl} and always within the subject token's (there is
	 * no refreshing one).
	 */
	static Lifetime of(ExchangeContext context, Grant grant, boolean capToSubject) {
		if (grant.credential().isEmpty()) {
			return of(context, grant.ttl(), capToSubject);
		}
		Duration cap = grant.credential().get().target().maxTtl();
		return of(context, (cap.compareTo(grant.ttl()) < 0) ? cap : grant.ttl(), true);
	}

	static Lifetime of(ExchangeContext context, Duration grantTtl, boolean capToSubject) {
		Lifetime life = new Lifetime(grantTtl, "", "");
		if (capToSubject || context.subject().chain().isPresent()) {
			life = cap(grantTtl, context.time(), context.subject().expiresAt(), "subject");
		}
		if (life.ttl() != null && context.actor().isPresent()) {
			life = cap(life.ttl(), context.time(), context.actor().get().verified().expiresAt(), "actor");
		}
		return life;
	}

	private static Lifetime cap(Duration ttl, Instant now, Instant expiresAt, String party) {
		Duration remaining = Duration.between(now, expiresAt);
		if (remaining.isNegative() || remaining.isZero()) {
			// Past its exp, accepted only within the clock skew.
			return new Lifetime(null, party + "_token has expired",
					party + " token expired at " + expiresAt + ", within the clock skew");
		}
		if (remaining.compareTo(Duration.ofSeconds(1)) < 0) {
			return new Lifetime(null, party + "_token is about to expire",
					party + " token expires at " + expiresAt + ", within a second");
		}
		return new Lifetime((remaining.compareTo(ttl) < 0) ? Duration.ofSeconds(remaining.toSeconds()) : ttl, "", "");
	}

}

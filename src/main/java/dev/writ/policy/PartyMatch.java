package dev.writ.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.writ.context.ExchangeContext;
import dev.writ.trust.IssuedChain;
import dev.writ.trust.VerifiedSubject;

/**
 * Whether a grant fits the parties of a request beyond its subject. Its actor clause: a
 * grant that names who may act matches only a delegated request by a matching actor
 * (subject and source as a subject matches, claims as {@code actor_claims:} pin them),
 * and a grant that names none only a request without an actor. Its {@code from_audience}:
 * a Writ token exchanged again is taken only by a grant for its audience, any other
 * subject token only by a grant without one, and the hop's scopes stay within the
 * token's. So delegation is never a way around a grant, nor a grant a way around
 * delegation's rules.
 */
final class PartyMatch {

	private PartyMatch() {
	}

	static boolean matches(Grant grant, Optional<ExchangeContext.Party> actor) {
		if (grant.actor().isEmpty() || actor.isEmpty()) {
			return grant.actor().isEmpty() && actor.isEmpty();
		}
		Grant.Actor allowed = grant.actor().get();
		VerifiedSubject party = actor.get().verified();
		return allowed.matcher().matches(party) && allowed.unpinned(party.claims()).isEmpty();
	}

	/** Why the clause does not fit; asked only when it does not, for explanations. */
	static String mismatch(Grant grant, Optional<ExchangeContext.Party> actor) {
		if (grant.actor().isEmpty()) {
			return "the request has an actor, and the grant allows no delegation (no actor:)";
		}
		if (actor.isEmpty()) {
			return "a delegation grant: the request has no actor_token";
		}
		Grant.Actor allowed = grant.actor().get();
		VerifiedSubject party = actor.get().verified();
		if (!allowed.matcher().matches(party)) {
			return "actor " + party.subject() + " of " + party.trustSource() + ": "
					+ allowed.matcher().mismatch(party).replace("subject", "actor");
		}
		return allowed.unpinned(party.claims())
			.map((claim) -> unpinned("actor claim ", claim, party.claims(), allowed.pins()))
			.orElse("actor matches");
	}

	/**
	 * Whether a grant takes this subject token: a Writ token exchanged again only by a
	 * grant with its audience as {@code from_audience}, any other token only by a grant
	 * without one.
	 */
	static boolean takes(Grant grant, VerifiedSubject subject) {
		return grant.fromAudience().isPresent() == subject.chain().isPresent() && grant.fromAudience()
			.map((from) -> from.equals(subject.chain().map(IssuedChain::audience).orElse(null)))
			.orElse(true);
	}

	/** Why the grant does not take the subject token; asked only when it does not. */
	static String refusal(Grant grant, VerifiedSubject subject) {
		if (grant.fromAudience().isEmpty()) {
			return "a Writ token exchanged again, and the grant takes none (no from_audience)";
		}
		return subject.chain()
			.map((chain) -> "takes Writ tokens for " + grant.fromAudience().get() + ", not for " + chain.audience())
			.orElse("takes only Writ tokens for " + grant.fromAudience().get() + " (from_audience)");
	}

	/** Why a pinned claim does not hold. */
	static String unpinned(String what, String claim, Map<String, Object> claims, Map<String, Set<String>> pins) {
		return what + claim + ((claims.get(claim) == null) ? " is missing; the grant pins it to " : " is not one of ")
				+ pins.get(claim);
	}

	/** A grant's scopes, within those the Writ token exchanged again carries. */
	static Set<String> narrowed(Set<String> scopes, Optional<Set<String>> carried) {
		if (carried.isEmpty()) {
			return scopes;
		}
		Set<String> both = new java.util.LinkedHashSet<>(scopes);
		both.retainAll(carried.get());
		return both;
	}

}

package dev.writ.policy;

import java.util.List;
import java.util.Objects;

/**
 * Why a decision came out as it did: every grant considered, how far it got and what
 * stopped it. Holds no token, and no claim values beyond what an admin wrote in the
 * policies and the request.
 *
 * @param decision the decision
 * @param grants one step per grant, in the order they were tried
 */
public record Explanation(Decision decision, List<Step> grants) {

	public Explanation {
		Objects.requireNonNull(decision, "decision cannot be null");
		grants = List.copyOf(grants);
	}

	/**
	 * One grant's outcome.
	 *
	 * @param grant the grant's id
	 * @param where where it is defined
	 * @param outcome how far it got
	 * @param reason why it stopped there, or what it yielded
	 */
	public record Step(String grant, String where, Outcome outcome, String reason) {
	}

	/** How far a grant got. */
	public enum Outcome {

		/** Its source or subject does not match. */
		SUBJECT,

		/**
		 * Its actor clause does not match: the request has an actor it does not allow, or
		 * none where it needs one.
		 */
		ACTOR,

		/** It names another audience. */
		TARGET,

		/** A pinned claim has another value. */
		CLAIMS,

		/** Its condition is false, or could not be evaluated. */
		CONDITION,

		/** It does not cover every requested scope. */
		SCOPE,

		/** Its tokens must be bound to a key, and the request proves none. */
		BINDING,

		/** It decided: allow. */
		CHOSEN,

		/** It matched, but an earlier grant decided. */
		NOT_REACHED

	}

}

package dev.writ.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One compiled grant: which subjects of which trust source may get a token for which
 * audience, with at most which scopes, under which condition, for how long, carrying
 * which extra claims.
 *
 * @param id the grant's unique id
 * @param subject which subjects it applies to
 * @param fromAudience for a grant that exchanges Writ's own tokens again, the audience
 * they must have been issued for ({@code from_audience}); such a grant matches only
 * those, every other grant never one
 * @param audience the one audience its tokens are for
 * @param scopes the most scopes its tokens may carry
 * @param pins claims that must have one of the given values ({@code claims:})
 * @param actor who may act for the subject ({@code actor}, {@code actor_pattern}): a
 * grant with one matches only a delegated request by a matching actor, a grant without
 * one only a request without an actor
 * @param when the condition, if any
 * @param tokenClaims extra claims its tokens carry, each computed by an expression
 * @param ttl the lifetime of its tokens, already within the server's cap
 * @param binding whether its tokens must be bound to a key the request proves
 * @param credential for a grant of just-in-time credentials ({@code credential:}), its
 * target and what the credential may do; such a grant matches only requests for a
 * credential, every other grant never one
 * @param source where it is defined, {@code file:line}
 */
public record Grant(String id, SubjectMatcher subject, Optional<String> fromAudience, String audience,
		Set<String> scopes, Map<String, Set<String>> pins, Optional<Actor> actor, Optional<Condition> when,
		Map<String, ClaimExpression> tokenClaims, Duration ttl, Binding binding, Optional<Credential> credential,
		String source) {

	public Grant {
		Objects.requireNonNull(id, "id cannot be null");
		Objects.requireNonNull(subject, "subject cannot be null");
		Objects.requireNonNull(fromAudience, "fromAudience cannot be null");
		Objects.requireNonNull(audience, "audience cannot be null");
		scopes = Set.copyOf(scopes);
		pins = Map.copyOf(pins);
		Objects.requireNonNull(actor, "actor cannot be null");
		Objects.requireNonNull(when, "when cannot be null");
		tokenClaims = Collections.unmodifiableMap(new LinkedHashMap<>(tokenClaims));
		Objects.requireNonNull(ttl, "ttl cannot be null");
		Objects.requireNonNull(binding, "binding cannot be null");
		Objects.requireNonNull(credential, "credential cannot be null");
		Objects.requireNonNull(source, "source cannot be null");
	}

	/** The claim that is not one of its pinned values, if any. */
	Optional<String> unpinned(Map<String, Object> claims) {
		return unpinned(this.pins, claims);
	}

	static Optional<String> unpinned(Map<String, Set<String>> pins, Map<String, Object> claims) {
		for (Map.Entry<String, Set<String>> pin : pins.entrySet()) {
			Object value = claims.get(pin.getKey());
			if (value == null || !pin.getValue().contains(value.toString())) {
				return Optional.of(pin.getKey());
			}
		}
		return Optional.empty();
	}

	/**
	 * The credential a grant issues: for which target, allowed what.
	 *
	 * @param target the target, whose audience is the grant's
	 * @param template what the credential may do there
	 */
	public record Credential(CredentialTarget target, CredentialTemplate template) {

		public Credential {
			Objects.requireNonNull(target, "target cannot be null");
			Objects.requireNonNull(template, "template cannot be null");
		}

	}

	/**
	 * Who may act for the subject of a grant: a party of one trust source, matched as a
	 * subject is, with claims pinned as a subject's are ({@code actor_claims:}).
	 *
	 * @param matcher which actors, within one trust source
	 * @param pins claims of the actor token that must have one of the given values
	 */
	public record Actor(SubjectMatcher matcher, Map<String, Set<String>> pins) {

		public Actor {
			Objects.requireNonNull(matcher, "matcher cannot be null");
			pins = Map.copyOf(pins);
		}

		/**
		 * The claim of the actor's token that is not one of its pinned values, if any.
		 */
		Optional<String> unpinned(Map<String, Object> claims) {
			return Grant.unpinned(this.pins, claims);
		}

	}

}

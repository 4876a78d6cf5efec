package dev.writ.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.writ.context.AttributeMapping;
import dev.writ.context.ExchangeContext;
import dev.writ.error.ErrorCode;
import dev.writ.request.ExchangeRequest;
import dev.writ.trust.TrustSet;
import dev.writ.trust.VerifiedSubject;

/**
 * One loaded, compiled policy set: whom Writ trusts, how their claims map to attributes, and what it grants.
 * Immutable; a reload builds a new one and swaps it in whole, so an exchange always sees trust and grants of the
 * same version.
 *
 * <p>Deny by default. Grants are tried in order (files by name, grants in file order); the first grant that matches
 * the subject, the requested target and every requested scope decides. A request may narrow a grant, never widen
 * it.
 */
public final class PolicySet {

	private final TrustSet trust;

	private final Map<String, AttributeMapping> attributes;

	private final List<Grant> grants;

	private final String digest;

	PolicySet(TrustSet trust, Map<String, AttributeMapping> attributes, List<Grant> grants, String digest) {
		this.trust = Objects.requireNonNull(trust, "trust cannot be null");
		this.attributes = Map.copyOf(attributes);
		this.grants = List.copyOf(grants);
		this.digest = Objects.requireNonNull(digest, "digest cannot be null");
	}

	/** Whom Writ trusts. */
	public TrustSet trust() {
		return this.trust;
	}

	/** The SHA-256 of the policy files, hex, identifying this version of the policies. */
	public String digest() {
		return this.digest;
	}

	/** How many grants there are. */
	public int grantCount() {
		return this.grants.size();
	}

	/** The context of an exchange: the subject with the attributes its source maps from it. */
	public ExchangeContext context(VerifiedSubject subject, ExchangeRequest request, Instant time) {
		AttributeMapping mapping = this.attributes.getOrDefault(subject.trustSource(), AttributeMapping.none());
		return new ExchangeContext(subject, mapping.evaluate(subject), request, time);
	}

	/** Decides one exchange. */
	public Decision decide(ExchangeContext context) {
		VerifiedSubject subject = context.subject();
		List<Grant> forSubject = this.grants.stream().filter((g) -> g.subject().matches(subject)).toList();
		String who = subject.subject() + " of " + subject.trustSource();
		if (forSubject.isEmpty()) {
			return deny(ErrorCode.INVALID_TARGET, "no grant allows this subject a token", "no grant matches subject " + who);
		}
		Optional<String> target = context.request().target();
		List<Grant> forTarget;
		if (target.isPresent()) {
			forTarget = forSubject.stream().filter((g) -> g.audience().equals(target.get())).toList();
			if (forTarget.isEmpty()) {
				return deny(ErrorCode.INVALID_TARGET, "the requested target is not granted to this subject",
						"no grant for subject " + who + " names the requested target");
			}
		}
		else {
			if (forSubject.stream().map(Grant::audience).distinct().count() > 1) {
				return deny(ErrorCode.INVALID_TARGET, "audience is required: this subject is granted several targets",
						"no target requested and grants for subject " + who + " name several");
			}
			forTarget = forSubject;
		}
		Set<String> requested = context.request().scopes();
		if (requested.isEmpty()) {
			// RFC 6749 §3.3: with no scope requested, the server uses a default: the grant's scopes.
			Grant grant = forTarget.get(0);
			return allow(grant, grant.scopes());
		}
		for (Grant grant : forTarget) {
			if (grant.scopes().containsAll(requested)) {
				return allow(grant, requested);
			}
		}
		return deny(ErrorCode.INVALID_SCOPE, "the requested scope exceeds what is granted",
				"no grant for subject " + who + " and this target covers every requested scope");
	}

	private Decision allow(Grant grant, Set<String> scopes) {
		return new Decision.Allow(grant.id(), grant.audience(), scopes, grant.ttl(), this.digest);
	}

	private Decision deny(ErrorCode code, String description, String detail) {
		return new Decision.Deny(code, description, detail, this.digest);
	}

}

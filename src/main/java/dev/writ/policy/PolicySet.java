package dev.writ.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.writ.context.ExchangeContext;
import dev.writ.request.TokenTypes;
import dev.writ.error.ErrorCode;
import dev.writ.request.ExchangeRequest;
import dev.writ.trust.TrustSet;
import dev.writ.trust.IssuedChain;
import dev.writ.trust.VerifiedSubject;

/**
 * One loaded, compiled policy set: whom Writ trusts, how their claims map to attributes,
 * and what it grants. Immutable; a reload builds a new one and swaps it in whole, so an
 * exchange always sees trust and grants of the same version.
 *
 * <p>
 * Deny by default. Grants are tried in order (files by name, grants in file order); a
 * grant is eligible when its source and subject match the verified subject, its audience
 * is the requested target, its pinned claims have their values and its condition is true.
 * The first eligible grant that covers every requested scope decides. A request may
 * narrow a grant, never widen it; grants are never combined.
 */
public final class PolicySet {

	private final List<Path> trustFiles;

	private final TrustSet trust;

	private final Map<String, SourceRules> sources;

	private final Set<String> parameters;

	private final List<Grant> grants;

	private final String digest;

	private final List<DemoEntry> demoEntries;

	private final ApiKeyRegister register;

	private final List<CredentialTarget> targets;

	public PolicySet(TrustSet trust, Map<String, SourceRules> sources, Set<String> parameters, List<Grant> grants,
			String digest, Collection<Path> trustFiles, List<DemoEntry> demoEntries, ApiKeyRegister register,
			List<CredentialTarget> targets) {
		this.targets = List.copyOf(targets);
		this.register = Objects.requireNonNull(register, "register cannot be null");
		this.trustFiles = List.copyOf(trustFiles);
		this.demoEntries = List.copyOf(demoEntries);
		this.trust = Objects.requireNonNull(trust, "trust cannot be null");
		this.sources = Map.copyOf(sources);
		this.parameters = Set.copyOf(parameters);
		this.grants = List.copyOf(grants);
		this.digest = Objects.requireNonNull(digest, "digest cannot be null");
	}

	/**
	 * The trust files this set was loaded from (SPIFFE bundles, JWKS files), wherever
	 * they are: a change to any of them is a change to the policies.
	 */
	public List<Path> trustFiles() {
		return this.trustFiles;
	}

	/** The register of API keys that remain: read by reports, never by an exchange. */
	public List<CredentialTarget> targets() {
		return this.targets;
	}

	public ApiKeyRegister register() {
		return this.register;
	}

	/**
	 * The demo trust domains these policies trust, with keys generated on this machine.
	 */
	public List<DemoEntry> demoEntries() {
		return this.demoEntries;
	}

	/**
	 * The grants and trust entries that take only certificate-bound tokens
	 * ({@code binding: mtls}): they issue nothing on a Writ without mutual TLS.
	 */
	public List<String> certificateOnly() {
		List<String> only = new ArrayList<>();
		this.grants.stream().filter((g) -> g.binding() == Binding.MTLS).forEach((g) -> only.add("grant " + g.id()));
		this.sources.forEach((id, rules) -> {
			if (rules.binding() == Binding.MTLS) {
				only.add("trust entry " + id);
			}
		});
		return only;
	}

	/** Whom Writ trusts. */
	public TrustSet trust() {
		return this.trust;
	}

	/** The SHA-256 of the policy files, hex, identifying this version of the policies. */
	public String digest() {
		return this.digest;
	}

	/** The grants, in file order: for reports. */
	public List<Grant> grants() {
		return this.grants;
	}

	/** How many grants there are. */
	public int grantCount() {
		return this.grants.size();
	}

	/** The extension parameters requests may carry for policies to read. */
	public Set<String> parameters() {
		return this.parameters;
	}

	/**
	 * What the trust entry of a verified subject says about replay, rate limits and the
	 * store.
	 */
	public SourceRules sourceRules(VerifiedSubject subject) {
		return this.sources.getOrDefault(subject.trustSource(), SourceRules.DEFAULT);
	}

	/**
	 * The context of an exchange: the subject with the attributes its source maps from
	 * it.
	 */
	public ExchangeContext context(VerifiedSubject subject, ExchangeRequest request, Instant time) {
		return new ExchangeContext(subject, sourceRules(subject).attributes().evaluate(subject), request, time);
	}

	/**
	 * The context of a delegated exchange: the subject and the actor, each with the
	 * attributes its own source maps from it.
	 */
	public ExchangeContext context(VerifiedSubject subject, VerifiedSubject actor, ExchangeRequest request,
			Instant time) {
		return new ExchangeContext(subject, sourceRules(subject).attributes().evaluate(subject), request, time,
				Optional.of(new ExchangeContext.Party(actor, sourceRules(actor).attributes().evaluate(actor))));
	}

	/** Decides one exchange. */
	public Decision decide(ExchangeContext context) {
		return evaluate(context, null);
	}

	/** Decides one exchange and says why, grant by grant. */
	public Explanation explain(ExchangeContext context) {
		List<Explanation.Step> steps = new ArrayList<>();
		Decision decision = evaluate(context, steps);
		// In policy order, as an admin reads them.
		Map<String, Integer> order = new LinkedHashMap<>();
		for (int i = 0; i < this.grants.size(); i++) {
			order.put(this.grants.get(i).id(), i);
		}
		steps.sort(Comparator.comparingInt((Explanation.Step step) -> order.get(step.grant())));
		return new Explanation(decision, steps);
	}

	private Decision evaluate(ExchangeContext context, @Nullable List<Explanation.Step> trace) {
		VerifiedSubject subject = context.subject();
		String who = subject.subject() + " of " + subject.trustSource();
		Optional<String> target = context.request().target();
		Set<String> requested = context.request().scopes();
		Activation activation = new Activation(context, this.parameters);
		Set<String> subjectAudiences = new LinkedHashSet<>();
		List<Grant> eligible = new ArrayList<>();
		Optional<ExchangeContext.Party> actor = context.actor();
		boolean credential = TokenTypes.PASSWORD.equals(context.request().requestedTokenType());
		for (Grant grant : this.grants) {
			if (!grant.subject().matches(subject)) {
				step(trace, grant, Explanation.Outcome.SUBJECT, () -> grant.subject().mismatch(subject));
				continue;
			}
			// Delegation only where a grant says who may act, and never a way
			// around one that does: a grant with an actor clause matches
			// exactly the requests with a matching actor.
			if (!PartyMatch.takes(grant, subject)) {
				step(trace, grant, Explanation.Outcome.SUBJECT, () -> PartyMatch.refusal(grant, subject));
				continue;
			}
			if (!PartyMatch.matches(grant, actor)) {
				step(trace, grant, Explanation.Outcome.ACTOR, () -> PartyMatch.mismatch(grant, actor));
				continue;
			}
			// A credential grant issues credentials only, a token grant tokens only.
			if (grant.credential().isPresent() != credential) {
				step(trace, grant, Explanation.Outcome.TARGET, () -> credential ? "issues tokens, not credentials"
						: "issues credentials for " + grant.audience() + ", not tokens");
				continue;
			}
			subjectAudiences.add(grant.audience());
			if (target.isPresent() && !grant.audience().equals(target.get())) {
				step(trace, grant, Explanation.Outcome.TARGET,
						() -> "grants " + grant.audience() + ", not " + target.get());
				continue;
			}
			Optional<String> unpinned = grant.unpinned(subject.claims());
			if (unpinned.isPresent()) {
				step(trace, grant, Explanation.Outcome.CLAIMS,
						() -> PartyMatch.unpinned("claim ", unpinned.get(), subject.claims(), grant.pins()));
				continue;
			}
			if (grant.when().isPresent()) {
				Condition.Outcome outcome = grant.when().get().test(activation.get());
				if (outcome != Condition.Outcome.TRUE) {
					step(trace, grant, Explanation.Outcome.CONDITION,
							() -> "when "
									+ ((outcome == Condition.Outcome.ERROR)
											? "could not be evaluated (a value it reads is missing)" : "is false")
									+ ": " + grant.when().get());
					continue;
				}
			}
			eligible.add(grant);
		}
		if (subjectAudiences.isEmpty()) {
			return actor.isPresent()
					? deny(ErrorCode.INVALID_TARGET, "no grant allows this actor to act for this subject",
							"no grant matches subject " + who + " with actor " + actor.get().verified().subject()
									+ " of " + actor.get().verified().trustSource())
					: deny(ErrorCode.INVALID_TARGET, "no grant allows this subject a token",
							"no grant matches subject " + who);
		}
		if (target.isEmpty() && subjectAudiences.size() > 1) {
			return deny(ErrorCode.INVALID_TARGET, "audience is required: this subject is granted several targets",
					"no target requested and grants for subject " + who + " name several");
		}
		if (eligible.isEmpty()) {
			return deny(ErrorCode.INVALID_TARGET, "no grant allows this request",
					"no grant for subject " + who + " allows the target and its conditions");
		}
		// A Writ token exchanged again narrows: never a scope it does not carry.
		Optional<Set<String>> carried = subject.chain().map(IssuedChain::scopes);
		for (Grant grant : eligible) {
			Set<String> scopes = requested.isEmpty() ? PartyMatch.narrowed(grant.scopes(), carried) : requested;
			if (carried.isPresent() && !carried.get().containsAll(scopes)) {
				step(trace, grant, Explanation.Outcome.SCOPE, () -> {
					Set<String> missing = new LinkedHashSet<>(scopes);
					missing.removeAll(carried.get());
					return "the subject_token does not carry " + missing;
				});
				continue;
			}
			if (!grant.scopes().containsAll(scopes)) {
				step(trace, grant, Explanation.Outcome.SCOPE, () -> {
					Set<String> missing = new LinkedHashSet<>(scopes);
					missing.removeAll(grant.scopes());
					return "does not grant " + missing;
				});
				continue;
			}
			Binding source = sourceRules(subject).binding();
			Binding.Choice bound = Binding.choose(grant.binding(), source, context.proofKey(), context.certificate(),
					context.request().fromCertificate());
			if (bound.missing() != null) {
				String where = (source.bound() ? "its trust entry has binding: " + source.label() + "; " : "")
						+ "grant " + grant.id() + " has binding: " + grant.binding().label();
				step(trace, grant, Explanation.Outcome.BINDING, () -> where + ": " + bound.missing());
				return deny(bound.error(), bound.description(), where + "; " + bound.missing());
			}
			Decision decision = allow(context, grant, scopes, activation, bound.confirmation());
			step(trace, grant, Explanation.Outcome.CHOSEN, () -> (decision instanceof Decision.Deny deny)
					? deny.detail() : "allows " + grant.audience() + " with " + scopes.stream().sorted().toList());
			if (trace != null) {
				eligible.subList(eligible.indexOf(grant) + 1, eligible.size())
					.forEach((later) -> step(trace, later, Explanation.Outcome.NOT_REACHED,
							() -> "an earlier grant decided"));
			}
			return decision;
		}
		// RFC 6749 §3.3: scopes beyond what is granted answer invalid_scope.
		return deny(ErrorCode.INVALID_SCOPE, "the requested scope exceeds what is granted",
				"no eligible grant for subject " + who + " covers every requested scope");
	}

	private Decision allow(ExchangeContext context, Grant grant, Set<String> scopes, Activation activation,
			@Nullable Confirmation confirmation) {
		Lifetime life = Lifetime.of(context, grant, sourceRules(context.subject()).capTtlToSubject());
		Duration ttl = life.ttl();
		if (ttl == null) {
			return deny(ErrorCode.INVALID_REQUEST, life.description(), life.detail());
		}
		Map<String, Object> claims = new LinkedHashMap<>();
		for (Map.Entry<String, ClaimExpression> claim : grant.tokenClaims().entrySet()) {
			Optional<Object> value = claim.getValue().value(activation.get());
			if (value.isEmpty()) {
				// A grant that cannot compute the claims it promises issues nothing.
				return deny(ErrorCode.INVALID_TARGET, "no grant allows this request",
						"grant " + grant.id() + ": token claim " + claim.getKey() + " could not be computed");
			}
			claims.put(claim.getKey(), value.get());
		}
		return new Decision.Allow(grant.id(), grant.audience(), scopes, ttl, claims, this.digest, confirmation,
				grant.credential().orElse(null));
	}

	// Reasons are built only when someone explains: deciding allocates no strings for
	// them.
	private static void step(@Nullable List<Explanation.Step> trace, Grant grant, Explanation.Outcome outcome,
			Supplier<String> reason) {
		if (trace != null) {
			trace.add(new Explanation.Step(grant.id(), grant.source(), outcome, reason.get()));
		}
	}

	private Decision deny(ErrorCode code, String description, String detail) {
		return new Decision.Deny(code, description, detail, this.digest);
	}

}

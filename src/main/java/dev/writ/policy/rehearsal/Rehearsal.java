package dev.writ.policy.rehearsal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.writ.request.ExchangeRequest;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;
import dev.writ.trust.VerifiedSubject;
import dev.writ.policy.PolicySet;
import dev.writ.policy.Explanation;

/**
 * Rehearses an exchange against a policy set without any real token: a subject and its
 * claims are signed by an ephemeral key and verified by the real verifier against a twin
 * of the real trust source (same id, same issuer, trusting only that key), then decided
 * and explained by the policy set. Used by {@code policy test} and
 * {@code policy explain}; fetches nothing.
 */
public final class Rehearsal {

	private final PolicySet policies;

	private final Clock clock;

	public Rehearsal(PolicySet policies, Clock clock) {
		this.policies = policies;
		this.clock = clock;
	}

	/**
	 * A request to rehearse: say its subject, and whatever else it has, on the builder.
	 */
	public static Request.Builder request() {
		return new Request.Builder();
	}

	/**
	 * Explains the decision for a rehearsed request.
	 * @return the explanation, with the attributes the source mapped
	 * @throws IllegalArgumentException when the subject cannot come from any trust source
	 * of the policy set
	 * @throws dev.writ.error.ExchangeException when the request itself is refused, before
	 * any policy is asked
	 */
	public Result explain(Request request) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of("rehearsal")); // never read: the rehearsal
															// signs a token of its own
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		request.parameters().forEach((name, value) -> form.put(name, List.of(value)));
		// One frozen instant for the whole rehearsal, a whole second as JWT times are:
		// minting, verifying and deciding see the same time.
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		RehearsedTokens tokens = new RehearsedTokens(this.policies, now);
		Issued issued = request.issued();
		VerifiedSubject subject = (issued != null) ? tokens.issued(request, issued)
				: tokens.verify(new Party(request.trust(), request.subject(), request.claims()), request.expiresIn());
		Party actor = request.actor();
		VerifiedSubject acting = (actor != null) ? tokens.verify(actor, Duration.ofHours(1)) : null;
		ExchangeRequest parsed = new ExchangeRequestParser().parse(form);
		var context = (acting != null) ? this.policies.context(subject, acting, parsed, now)
				: this.policies.context(subject, parsed, now);
		context = request.dpop() ? context.withProofKey("rehearsal") : context;
		context = request.mtls() ? context.withCertificate("rehearsal") : context;
		return new Result(this.policies.explain(context), subject.subject(), context.attributes(),
				subject.trustSource(), this.policies.digest(), (acting != null) ? acting.subject() : null,
				(acting != null) ? acting.trustSource() : null,
				(issued != null) ? "a Writ token for " + issued.audience() + " by grant " + issued.grant()
						+ ", chain depth " + context.depth() : null);
	}

	/**
	 * A rehearsed exchange.
	 *
	 * @param explanation the decision and why
	 * @param subject the rehearsed subject
	 * @param attributes the attributes the source mapped from the subject
	 * @param source the id of the source the subject came from
	 * @param policyDigest the digest of the policy set that decided
	 * @param actor the rehearsed actor, if the request delegates
	 * @param actorSource the id of the source the actor came from
	 * @param presented what the subject presented, when it is a Writ token exchanged
	 * again
	 */
	public record Result(Explanation explanation, String subject, Map<String, String> attributes, String source,
			String policyDigest, @Nullable String actor, @Nullable String actorSource, @Nullable String presented) {
	}

	/**
	 * A Writ token presented again: what it was issued for.
	 *
	 * @param audience its audience
	 * @param grant the grant that issued it
	 * @param scopes its scopes
	 * @param act its {@code act} claim, or null
	 */
	public record Issued(String audience, String grant, Set<String> scopes, @Nullable Map<String, Object> act) {

		public Issued {
			Objects.requireNonNull(audience, "audience cannot be null");
			Objects.requireNonNull(grant, "grant cannot be null");
			scopes = new java.util.LinkedHashSet<>(scopes);
		}

	}

	/**
	 * A party of a rehearsed exchange.
	 *
	 * @param trust the OIDC entry's name, or null for a SPIFFE ID
	 * @param subject its subject
	 * @param claims further claims of its token
	 */
	public record Party(@Nullable String trust, String subject, Map<String, Object> claims) {

		public Party {
			Objects.requireNonNull(subject, "subject cannot be null");
			claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
		}

	}

	/**
	 * What is rehearsed: a subject of a trust source, its claims and how long its token
	 * has left, and the exchange request's parameters ({@code audience},
	 * {@code resource}, {@code scope} and extension parameters).
	 *
	 * @param trust the OIDC entry's name, or null for a SPIFFE ID subject
	 * @param subject the subject
	 * @param claims further claims of the subject token
	 * @param expiresIn how long the subject token has left
	 * @param parameters the request's parameters, by name
	 * @param actor who acts for the subject, or null when the request does not delegate
	 * @param issued the Writ token the subject presents, or null for its own identity
	 * token
	 * @param dpop whether the request carries a valid DPoP proof
	 * @param mtls whether the request comes over mutual TLS with a client certificate
	 */
	public record Request(@Nullable String trust, String subject, Map<String, Object> claims, Duration expiresIn,
			Map<String, String> parameters, @Nullable Party actor, @Nullable Issued issued, boolean dpop,
			boolean mtls) {

		public Request {
			Objects.requireNonNull(subject, "subject cannot be null");
			claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
			Objects.requireNonNull(expiresIn, "expiresIn cannot be null");
			parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
		}

		/** Builds a request; a value left null is not sent. */
		public static final class Builder {

			private @Nullable String subject;

			private @Nullable String trust;

			private final Map<String, Object> claims = new LinkedHashMap<>();

			private Duration expiresIn = Duration.ofHours(1);

			private final Map<String, String> parameters = new LinkedHashMap<>();

			private @Nullable Party actor;

			private @Nullable Issued issued;

			private boolean dpop;

			private boolean mtls;

			private Builder() {
			}

			/**
			 * The subject: a SPIFFE ID, or the {@code sub} of the OIDC entry's tokens.
			 * Required.
			 */
			public Builder subject(String subject) {
				this.subject = subject;
				return this;
			}

			/** The OIDC entry the subject comes from; none for a SPIFFE ID. */
			public Builder trust(@Nullable String trust) {
				this.trust = trust;
				return this;
			}

			public Builder claims(Map<String, Object> claims) {
				this.claims.putAll(claims);
				return this;
			}

			/** How long the subject token has left: an hour unless said. */
			public Builder expiresIn(Duration expiresIn) {
				this.expiresIn = expiresIn;
				return this;
			}

			public Builder audience(@Nullable String audience) {
				return parameter("audience", audience);
			}

			public Builder resource(@Nullable String resource) {
				return parameter("resource", resource);
			}

			public Builder scope(@Nullable String scope) {
				return parameter("scope", scope);
			}

			/** A request parameter, such as a context parameter the policies declare. */
			public Builder parameter(String name, @Nullable String value) {
				if (value != null) {
					this.parameters.put(name, value);
				}
				return this;
			}

			/** Who acts for the subject: the request delegates (an actor token). */
			public Builder actor(@Nullable Party actor) {
				this.actor = actor;
				return this;
			}

			/** The subject presents a Writ token issued for another audience. */
			public Builder issued(@Nullable Issued issued) {
				this.issued = issued;
				return this;
			}

			/** The request carries a valid DPoP proof: its token would be bound. */
			public Builder dpop(boolean dpop) {
				this.dpop = dpop;
				return this;
			}

			/**
			 * The request comes over mutual TLS with a client certificate: its token
			 * could be bound to it.
			 */
			public Builder mtls(boolean mtls) {
				this.mtls = mtls;
				return this;
			}

			public Request build() {
				return new Request(this.trust, Objects.requireNonNull(this.subject, "subject cannot be null"),
						this.claims, this.expiresIn, this.parameters, this.actor, this.issued, this.dpop, this.mtls);
			}

		}

	}

}

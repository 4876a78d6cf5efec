package dev.writ.policy.rehearsal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import io.spiffe.spiffeid.TrustDomain;
import org.jspecify.annotations.Nullable;

import dev.writ.keys.EphemeralIssuer;
import dev.writ.request.ExchangeRequest;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.OidcSource;
import dev.writ.trust.RemoteKeys;
import dev.writ.trust.SpiffeIds;
import dev.writ.trust.SpiffeSource;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustFactory;
import dev.writ.trust.TrustSet;
import dev.writ.trust.TrustSource;
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

	private static final String AUDIENCE = "writ:rehearsal";

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
		return explain(request.trust(), request.subject(), request.claims(), request.expiresIn(),
				new ExchangeRequestParser().parse(form));
	}

	private Result explain(@Nullable String trust, String subject, Map<String, Object> claims, Duration expiresIn,
			ExchangeRequest request) {
		// One frozen instant for the whole rehearsal, a whole second as JWT times are:
		// minting, verifying and
		// deciding see the same time.
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Clock frozen = Clock.fixed(now, ZoneOffset.UTC);
		TrustSource source = source(trust, subject);
		EphemeralIssuer key = EphemeralIssuer.create((source instanceof SpiffeSource) ? "jwt-svid" : "sig");
		TrustFactory twins = new TrustFactory(new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), false),
				RemoteKeys.RefreshPolicy.defaults(), frozen, Runnable::run, false);
		JWTClaimsSet.Builder token = new JWTClaimsSet.Builder();
		claims.forEach(token::claim);
		token.subject(subject)
			.audience(AUDIENCE)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(expiresIn)));
		TrustSource twin;
		String tokenType;
		if (source instanceof OidcSource oidc) {
			token.issuer(oidc.issuer());
			twin = twins.oidcJwks(oidc.id(), oidc.issuer(), Set.of(AUDIENCE), key.publicJwks());
			tokenType = TokenTypes.JWT;
		}
		else {
			TrustDomain domain = ((SpiffeSource) source).trustDomain();
			twin = twins.spiffeBundle(domain, key.publicJwks());
			tokenType = TokenTypes.JWT;
		}
		VerifiedSubject verified = new SubjectTokenVerifier(Set.of(AUDIENCE), Duration.ZERO, frozen)
			.verify(key.sign(token.build()), tokenType, TrustSet.of(List.of(twin)));
		var context = this.policies.context(verified, request, now);
		return new Result(this.policies.explain(context), subject, context.attributes(), source.id(),
				this.policies.digest());
	}

	private TrustSource source(@Nullable String trust, String subject) {
		if (trust != null) {
			return this.policies.trust()
				.source(trust)
				.filter((s) -> s instanceof OidcSource)
				.orElseThrow(() -> new IllegalArgumentException("no oidc entry is named " + trust));
		}
		TrustDomain domain;
		try {
			domain = SpiffeIds.parseId(subject).getTrustDomain();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("a subject without trust must be a SPIFFE ID: " + ex.getMessage());
		}
		return this.policies.trust()
			.source(domain.toIdString())
			.orElseThrow(() -> new IllegalArgumentException("no spiffe entry trusts " + domain.getName()));
	}

	/**
	 * A rehearsed exchange.
	 *
	 * @param explanation the decision and why
	 * @param subject the rehearsed subject
	 * @param attributes the attributes the source mapped from the subject
	 * @param source the id of the source the subject came from
	 * @param policyDigest the digest of the policy set that decided
	 */
	public record Result(Explanation explanation, String subject, Map<String, String> attributes, String source,
			String policyDigest) {
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
	 */
	public record Request(@Nullable String trust, String subject, Map<String, Object> claims, Duration expiresIn,
			Map<String, String> parameters) {

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

			public Request build() {
				return new Request(this.trust, Objects.requireNonNull(this.subject, "subject cannot be null"),
						this.claims, this.expiresIn, this.parameters);
			}

		}

	}

}

package dev.writ.policy.rehearsal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import io.spiffe.spiffeid.TrustDomain;

import dev.writ.keys.EphemeralIssuer;
import dev.writ.request.ExchangeRequest;
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
 * Rehearses an exchange against a policy set without any real token: a subject and its claims are signed by an
 * ephemeral key and verified by the real verifier against a twin of the real trust source (same id, same issuer,
 * trusting only that key), then decided and explained by the policy set. Used by {@code policy test} and
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
	 * Explains the decision for a subject.
	 * @param trust the OIDC entry's name, or null for a SPIFFE ID subject
	 * @param subject the subject
	 * @param claims further claims of the subject token
	 * @param expiresIn how long the subject token has left
	 * @param request the exchange request (its subject token is ignored)
	 * @return the explanation, with the attributes the source mapped
	 * @throws IllegalArgumentException when the subject cannot come from any trust source of the policy set
	 */
	public Result explain(String trust, String subject, Map<String, Object> claims, Duration expiresIn,
			ExchangeRequest request) {
		// One frozen instant for the whole rehearsal, a whole second as JWT times are: minting, verifying and
		// deciding see the same time.
		Instant now = this.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		Clock frozen = Clock.fixed(now, java.time.ZoneOffset.UTC);
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
		return new Result(this.policies.explain(context), context.attributes(), source.id());
	}

	private TrustSource source(String trust, String subject) {
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
	 * @param attributes the attributes the source mapped from the subject
	 * @param source the id of the source the subject came from
	 */
	public record Result(Explanation explanation, Map<String, String> attributes, String source) {
	}

}

package dev.writ.policy.rehearsal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import com.nimbusds.jwt.JWTClaimsSet;
import io.spiffe.spiffeid.TrustDomain;
import org.jspecify.annotations.Nullable;
import dev.writ.keys.EphemeralIssuer;
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
import dev.writ.trust.WritTokenVerifier;
import dev.writ.policy.PolicySet;

/**
 * The tokens of one rehearsal, at one frozen instant: a party's claims signed by an
 * ephemeral key and verified by the real verifier against a twin of its source (same id,
 * same issuer, trusting only that key), and a Writ token as this Writ would have issued
 * it, verified by the real verifier of Writ tokens. Fetches nothing.
 */
final class RehearsedTokens {

	private static final String AUDIENCE = "writ:rehearsal";

	private final PolicySet policies;

	private final Instant now;

	private final TrustFactory twins;

	private final SubjectTokenVerifier verifier;

	RehearsedTokens(PolicySet policies, Instant now) {
		this.policies = policies;
		this.now = now;
		Clock frozen = Clock.fixed(now, ZoneOffset.UTC);
		this.twins = new TrustFactory(new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), false),
				RemoteKeys.RefreshPolicy.defaults(), frozen, Runnable::run, false);
		this.verifier = new SubjectTokenVerifier(Set.of(AUDIENCE), Duration.ZERO, frozen);
	}

	// A Writ token of the subject, as this Writ would have issued it: verified by the
	// real verifier of Writ tokens, recognising only it.
	VerifiedSubject issued(Rehearsal.Request request, Rehearsal.Issued issued) {
		TrustSource source = source(request.trust(), request.subject());
		JWTClaimsSet.Builder token = new JWTClaimsSet.Builder().issuer("writ:rehearsal")
			.subject(request.subject())
			.audience(issued.audience())
			.issueTime(Date.from(this.now))
			.expirationTime(Date.from(this.now.plus(request.expiresIn())))
			.jwtID("rehearsal")
			.claim("grant", issued.grant())
			.claim(WritTokenVerifier.SUBJECT_SOURCE, source.id());
		if (!issued.scopes().isEmpty()) {
			token.claim("scope", String.join(" ", issued.scopes()));
		}
		if (issued.act() != null) {
			token.claim("act", issued.act());
		}
		JWTClaimsSet claims = token.build();
		return new WritTokenVerifier((value) -> Optional.of(claims), (recognised) -> false).verify("rehearsal");
	}

	// A party's claims signed by an ephemeral key and verified by the real verifier
	// against a twin of its source that trusts only that key.
	VerifiedSubject verify(Rehearsal.Party party, Duration expiresIn) {
		TrustSource source = source(party.trust(), party.subject());
		EphemeralIssuer key = EphemeralIssuer.create((source instanceof SpiffeSource) ? "jwt-svid" : "sig");
		JWTClaimsSet.Builder token = new JWTClaimsSet.Builder();
		party.claims().forEach(token::claim);
		token.subject(party.subject())
			.audience(AUDIENCE)
			.issueTime(Date.from(this.now))
			.expirationTime(Date.from(this.now.plus(expiresIn)));
		TrustSource twin;
		if (source instanceof OidcSource oidc) {
			token.issuer(oidc.issuer());
			twin = this.twins.oidcJwks(oidc.id(), oidc.issuer(), Set.of(AUDIENCE), key.publicJwks());
		}
		else {
			twin = this.twins.spiffeBundle(((SpiffeSource) source).trustDomain(), key.publicJwks());
		}
		return this.verifier.verify(key.sign(token.build()), TokenTypes.JWT, TrustSet.of(List.of(twin)));
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

}

package dev.writ.token;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;

import dev.writ.context.ExchangeContext;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.Confirmation;
import dev.writ.policy.Decision;
import dev.writ.trust.IssuedChain;
import dev.writ.trust.VerifiedSubject;
import dev.writ.trust.WritTokenVerifier;

/**
 * Mints the RFC 9068 JWT access token for an allowed exchange, signed with the active
 * key.
 *
 * <p>
 * Header: {@code typ: at+jwt} (RFC 9068 §2.1), {@code alg}, {@code kid}. Claims (RFC 9068
 * §2.2): {@code iss}, {@code sub} (the verified subject), {@code aud} (the one granted
 * audience, as a string), {@code exp}, {@code iat}, {@code nbf}, {@code jti},
 * {@code client_id}, {@code scope} (space-delimited, RFC 8693 §4.2), the grant's extra
 * claims, and {@code grant} and {@code policy_digest}, which name the rule that issued
 * it; for a delegated exchange, {@code act} (RFC 8693 §4.1) names the actor. Writ does
 * not authenticate a separate client: the workload is its own client, so
 * {@code client_id} is the subject, as RFC 9068 §2.2 describes for a client acting on its
 * own behalf.
 */
public final class AccessTokenMinter {

	/** The {@code typ} of an RFC 9068 access token. */
	public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

	private final String issuer;

	private final Supplier<SigningKeys> keys;

	private final SecureRandom random = new SecureRandom();

	/**
	 * @param issuer this Writ's issuer identifier, the {@code iss} of every token
	 * @param keys the current signing keys
	 */
	public AccessTokenMinter(String issuer, Supplier<SigningKeys> keys) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
		this.keys = Objects.requireNonNull(keys, "keys cannot be null");
	}

	/** Mints the token that the decision allows. */
	public IssuedToken mint(ExchangeContext context, Decision.Allow allow) {
		Instant now = context.time();
		// Whole seconds, as the JWT carries it: expires_in, introspection and the audit
		// event then say the life resource servers enforce, never up to a second more.
		Instant expiresAt = now.plus(allow.ttl()).truncatedTo(ChronoUnit.SECONDS);
		String jti = newJti();
		String subject = context.subject().subject();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(subject)
			.audience(allow.audience())
			.expirationTime(Date.from(expiresAt))
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.jwtID(jti)
			.claim("client_id", subject);
		Set<String> scopes = new TreeSet<>(allow.scopes());
		if (!scopes.isEmpty()) {
			claims.claim("scope", String.join(" ", scopes));
		}
		// RFC 8693 §4.1: the actor of a delegated exchange, never the subject; its issuer
		// too where its subject alone does not say where it comes from (not a SPIFFE ID).
		// A Writ token exchanged again keeps its chain: this actor outermost, the earlier
		// ones nested (§4.1), and the tokens it derives from, so revoking one revokes it.
		Optional<IssuedChain> chain = context.subject().chain();
		Map<String, Object> prior = chain.map(IssuedChain::act).orElse(null);
		Map<String, Object> act = context.actor().map((party) -> act(party.verified(), prior)).orElse(prior);
		if (act != null) {
			claims.claim("act", act);
		}
		// RFC 9449 §6, RFC 8705 §3: a token bound to a key the request proved (a DPoP
		// key, a client certificate's) is of use only to that key's holder.
		Confirmation bound = allow.boundTo();
		if (bound != null) {
			claims.claim("cnf", Map.of(bound.member(), bound.thumbprint()));
		}
		// Where the subject was verified: a further exchange matches grants within it.
		claims.claim(WritTokenVerifier.SUBJECT_SOURCE, context.subject().trustSource());
		Object issuer = chain.isPresent() ? context.subject().claims().get(WritTokenVerifier.SUBJECT_ISSUER)
				: context.subject().fromSpiffe() ? null : context.subject().claims().get("iss");
		if (issuer instanceof String name) {
			claims.claim(WritTokenVerifier.SUBJECT_ISSUER, name);
		}
		// The subject's may_act (RFC 8693 §4.4) holds for every later hop of the chain.
		if (context.subject().claims().get("may_act") instanceof Map<?, ?> mayAct) {
			claims.claim("may_act", mayAct);
		}
		chain.ifPresent((incoming) -> claims.claim(WritTokenVerifier.CHAIN, links(incoming, context)));
		// What the grant adds; its names never shadow the claims above (refused when the
		// policies load).
		allow.claims().forEach(claims::claim);
		// Which grant and which version of the policies issued it: an auditor can trace
		// any token to its rule.
		claims.claim("grant", allow.grantId()).claim("policy_digest", allow.policyDigest());
		String value = this.keys.get().active().sign(AT_JWT, claims.build());
		return new IssuedToken(value, jti, now, expiresAt, scopes, bound);
	}

	private static Map<String, Object> act(VerifiedSubject actor, @Nullable Map<String, Object> prior) {
		Map<String, Object> act = new LinkedHashMap<>();
		act.put("sub", actor.subject());
		if (!actor.fromSpiffe() && actor.claims().get("iss") instanceof String iss) {
			act.put("iss", iss);
		}
		if (prior != null) {
			act.put("act", prior);
		}
		return act;
	}

	private static List<Map<String, String>> links(IssuedChain incoming, ExchangeContext context) {
		List<Map<String, String>> links = new ArrayList<>();
		for (IssuedChain.Link link : incoming.ancestors()) {
			links.add(Map.of("jti", link.jti(), "grant", link.grant()));
		}
		links.add(Map.of("jti", String.valueOf(context.subject().claims().get("jti")), "grant", incoming.grant()));
		return links;
	}

	private String newJti() {
		byte[] bytes = new byte[16];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}

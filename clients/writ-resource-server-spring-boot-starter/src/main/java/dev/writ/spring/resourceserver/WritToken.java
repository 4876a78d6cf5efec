package dev.writ.spring.resourceserver;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What a Writ access token says, for a controller: the workload that called, the scopes
 * it was granted, and — for an auditor — the grant and the version of the policies that
 * issued it. A controller method takes it as a parameter; {@link #toString()} holds no
 * token.
 *
 * @param subject the calling workload ({@code sub}): a SPIFFE ID, or an issuer's subject
 * @param scopes the granted scopes (the claim named scope)
 * @param grant the grant of Writ's policies that allowed the exchange ({@code grant})
 * @param policyDigest the version of the policies that decided ({@code policy_digest})
 * @param jwtId the token's id ({@code jti}), the key of its audit event and of a
 * revocation
 * @param issuedAt when Writ issued it
 * @param expiresAt when it expires
 * @param actor the party acting for the subject, when the token was issued by delegation
 * ({@code act}, RFC 8693 §4.1)
 */
public record WritToken(String subject, Set<String> scopes, @Nullable String grant, @Nullable String policyDigest,
		@Nullable String jwtId, @Nullable Instant issuedAt, @Nullable Instant expiresAt, @Nullable Actor actor) {

	/**
	 * A party acting for the subject, and whoever acted for it in turn.
	 *
	 * @param subject the actor's {@code sub}
	 * @param actor the actor before it, if any
	 */
	public record Actor(String subject, @Nullable Actor actor) {

		static @Nullable Actor of(@Nullable Object claim) {
			if (!(claim instanceof Map<?, ?> act) || !(act.get("sub") instanceof String subject)) {
				return null;
			}
			return new Actor(subject, of(act.get("act")));
		}

	}

	/** The Writ token of a JWT that Writ's decoder accepted. */
	public static WritToken of(Jwt jwt) {
		Object claim = jwt.getClaims().get("scope");
		Set<String> scopes;
		if (claim instanceof String scope && !scope.isBlank()) {
			scopes = Arrays.stream(scope.trim().split(" +")).collect(Collectors.toUnmodifiableSet());
		}
		else if (claim instanceof java.util.Collection<?> list) {
			// As Spring's authorities converter reads it, so the two never disagree.
			scopes = list.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
		}
		else {
			scopes = Set.of();
		}
		String subject = jwt.getSubject();
		return new WritToken((subject != null) ? subject : "", scopes, jwt.getClaimAsString("grant"),
				jwt.getClaimAsString("policy_digest"), jwt.getId(), jwt.getIssuedAt(), jwt.getExpiresAt(),
				Actor.of(jwt.getClaims().get("act")));
	}

	/** Whether the token grants {@code scope}. */
	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

	/**
	 * The actor directly acting for the subject, if the token was issued by delegation.
	 */
	public Optional<Actor> act() {
		return Optional.ofNullable(this.actor);
	}

	/** The chain of actors, the nearest first. */
	public List<String> actorChain() {
		List<String> chain = new java.util.ArrayList<>();
		for (Actor each = this.actor; each != null; each = each.actor()) {
			chain.add(each.subject());
		}
		return List.copyOf(chain);
	}

}

package dev.writ.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;

import dev.writ.trust.IssuedChain;
import dev.writ.trust.WritTokenVerifier;
import dev.writ.store.Revocations;

/**
 * What resource servers and admins may ask of Writ's issued tokens: is this token active
 * (RFC 7662), revoke it (RFC 7009), revoke everything issued to a subject or under a
 * grant. Revocations are held, across every node, until the tokens they cover have
 * expired. Store trouble raises {@link dev.writ.store.StoreUnavailableException}: the
 * caller answers 503, never "active".
 */
public final class TokenStatus {

	private final IssuedTokens tokens;

	private final Revocations revocations;

	private final Duration maxTtl;

	private final Clock clock;

	/**
	 * @param tokens recognises Writ's tokens
	 * @param revocations where revocations are held
	 * @param maxTtl the longest a Writ token lives: how long a subject or grant
	 * revocation must be held
	 * @param clock the clock
	 */
	public TokenStatus(IssuedTokens tokens, Revocations revocations, Duration maxTtl, Clock clock) {
		this.tokens = Objects.requireNonNull(tokens, "tokens cannot be null");
		this.revocations = Objects.requireNonNull(revocations, "revocations cannot be null");
		this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/**
	 * RFC 7662 §2.2: {@code active: false} for anything that is not a current, unrevoked
	 * token of this Writ; otherwise {@code active: true} with the token's claims and
	 * {@code token_type}.
	 */
	public Map<String, Object> introspect(@Nullable String token) {
		Optional<JWTClaimsSet> claims = this.tokens.recognise(token);
		if (claims.isEmpty() || revoked(claims.get())) {
			return Map.of("active", false);
		}
		Map<String, Object> response = new LinkedHashMap<>(claims.get().toJSONObject());
		// RFC 7662 §2.2: aud may be a string or an array; token_type names the kind of
		// token. Writ's own answers are
		// put last: no claim of the token can stand in for them (grants may not set these
		// names either).
		response.put("active", true);
		// RFC 9449 §6.2: a DPoP-bound token introspects as token_type DPoP, with its cnf.
		response.put("token_type",
				(claims.get().getClaim("cnf") instanceof Map<?, ?> cnf && cnf.get("jkt") != null) ? "DPoP" : "Bearer");
		return response;
	}

	/**
	 * RFC 7009 §2: revokes a current token of this Writ, and says whether it was one;
	 * anything else is ignored (§2.2).
	 */
	public boolean revoke(@Nullable String token) {
		// A bound token is its holder's: whoever copied it must not revoke it,
		// nor every token derived from it. Without a proof of its key, it is
		// revoked only by its subject or grant (/admin/revocations).
		var recognised = this.tokens.recognise(token).filter((claims) -> claims.getClaim("cnf") == null);
		recognised.ifPresent((claims) -> {
			Instant exp = claims.getExpirationTime().toInstant();
			this.revocations.revoke("jti:" + claims.getJWTID(), exp.getEpochSecond(),
					Duration.between(this.clock.instant(), exp).plusSeconds(1));
		});
		return recognised.isPresent();
	}

	/** Revokes every token issued to this subject until now. */
	public Instant revokeSubject(String subject) {
		return revokeIssuedUntilNow("subject:" + subject);
	}

	/** Revokes every token issued under this grant until now. */
	public Instant revokeGrant(String grant) {
		return revokeIssuedUntilNow("grant:" + grant);
	}

	private Instant revokeIssuedUntilNow(String key) {
		Instant now = this.clock.instant();
		// Held as long as any token issued until now can live.
		this.revocations.revoke(key, now.getEpochSecond(), this.maxTtl.plusSeconds(1));
		return now;
	}

	/**
	 * Whether a token of this Writ is revoked: by its {@code jti}, or its subject or
	 * grant since it was issued — or any token it was exchanged from, by {@code jti} or
	 * by its grant (revoking a chain's root revokes every token derived from it).
	 * @throws dev.writ.store.StoreUnavailableException when the store cannot say
	 */
	public boolean revoked(JWTClaimsSet claims) {
		Set<String> keys = new LinkedHashSet<>();
		keys.add("jti:" + claims.getJWTID());
		for (IssuedChain.Link link : WritTokenVerifier.ancestors(claims)) {
			keys.add("jti:" + link.jti());
			keys.add("grant:" + link.grant());
		}
		if (claims.getSubject() != null) {
			keys.add("subject:" + claims.getSubject());
		}
		if (claims.getClaim("grant") instanceof String grant) {
			keys.add("grant:" + grant);
		}
		long issuedAt = (claims.getIssueTime() != null) ? claims.getIssueTime().toInstant().getEpochSecond()
				: Long.MIN_VALUE;
		// A jti revoked is this token or one it derives from; a subject or grant revoked
		// covers the tokens issued until then.
		return this.revocations.lookup(List.copyOf(keys))
			.entrySet()
			.stream()
			.anyMatch((e) -> e.getKey().startsWith("jti:") || issuedAt <= e.getValue());
	}

}

package dev.writ.trust;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;

import dev.writ.request.TokenTypes;

/**
 * Verifies an access token this Writ issued, presented again as a subject token
 * ({@code subject_token_type} {@code ...:access_token}) to be exchanged for another
 * audience: recognised as Writ's own (its signature by a published key, {@code typ},
 * {@code iss}, unexpired), not revoked — itself or any token it derives from — and
 * carrying what a further exchange needs: its subject's trust source, its one audience,
 * grant and scopes, its chain. Its subject is the token's {@code sub}, from the source
 * that first verified it, so a grant for one source's subjects never matches another's
 * here either. Every failure answers {@code invalid_request}.
 */
public final class WritTokenVerifier {

	/** The claim that names the trust source of a Writ token's subject. */
	public static final String SUBJECT_SOURCE = "subject_source";

	/** The claim that lists the tokens a Writ token was exchanged from, root first. */
	public static final String CHAIN = "chain";

	/**
	 * The claim that names the issuer of an OIDC subject's token, so that a source
	 * renamed, or a name reused for another issuer, never takes a Writ token issued for
	 * the first.
	 */
	public static final String SUBJECT_ISSUER = "subject_issuer";

	/** The prefix of a Writ token's id among its source's token ids (replay keys). */
	public static final String TOKEN_ID_PREFIX = "writ:";

	private static final int MAX_DEPTH = 64;

	private final Function<String, Optional<JWTClaimsSet>> recognise;

	private final Predicate<JWTClaimsSet> revoked;

	/**
	 * @param recognise the claims of a current token of this Writ, if the token is one
	 * @param revoked whether a recognised token, or one it derives from, is revoked (may
	 * throw {@link dev.writ.store.StoreUnavailableException})
	 */
	public WritTokenVerifier(Function<String, Optional<JWTClaimsSet>> recognise, Predicate<JWTClaimsSet> revoked) {
		this.recognise = recognise;
		this.revoked = revoked;
	}

	/**
	 * The subject of a Writ token presented for another exchange.
	 * @throws dev.writ.error.ExchangeException {@code invalid_request} when it is not a
	 * current, unrevoked Writ token that can be exchanged again
	 */
	public VerifiedSubject verify(String token) {
		JWTClaimsSet claims = this.recognise.apply(token)
			.orElseThrow(() -> JwtChecks.invalid("subject_token is not a current access token of this Writ",
					"not a current Writ access token: another issuer's, forged, re-encoded or expired"));
		String jti = claims.getJWTID();
		if (this.revoked.test(claims)) {
			throw JwtChecks.invalid("subject_token has been revoked", "Writ token " + jti + " is revoked");
		}
		try {
			String subject = claims.getSubject();
			String source = claims.getStringClaim(SUBJECT_SOURCE);
			String grant = claims.getStringClaim("grant");
			List<String> audience = claims.getAudience();
			if (subject == null || source == null || grant == null || audience.size() != 1) {
				throw JwtChecks.invalid(
						"subject_token cannot be exchanged again: it does not say where its subject "
								+ "comes from (issued by an earlier Writ)",
						"Writ token " + jti + " lacks " + SUBJECT_SOURCE);
			}
			String scope = claims.getStringClaim("scope");
			Set<String> scopes = new LinkedHashSet<>();
			if (scope != null && !scope.isEmpty()) {
				scopes.addAll(List.of(scope.split(" ")));
			}
			Map<String, Object> act = claims.getJSONObjectClaim("act");
			List<IssuedChain.Link> ancestors = ancestors(claims);
			// Every exchange of a chain counts, with an actor or not.
			int depth = Math.max(depth(act), ancestors.size());
			return new VerifiedSubject(subject, source, TokenTypes.ACCESS_TOKEN, claims.getClaims(),
					claims.getExpirationTime().toInstant(), TOKEN_ID_PREFIX + jti,
					new IssuedChain(audience.get(0), scopes, grant, act, depth, ancestors));
		}
		catch (ParseException | ClassCastException ex) {
			throw JwtChecks.invalid("subject_token cannot be exchanged again",
					"Writ token " + jti + " has a claim of the wrong type: " + ex.getClass().getSimpleName());
		}
	}

	/** How many actors an {@code act} claim nests. */
	static int depth(@Nullable Map<String, Object> act) {
		int depth = 0;
		Object level = act;
		while (level instanceof Map<?, ?> map && depth < MAX_DEPTH) {
			depth++;
			level = map.get("act");
		}
		return depth;
	}

	/** The tokens a Writ token was exchanged from, root first, from its chain claim. */
	public static List<IssuedChain.Link> ancestors(JWTClaimsSet claims) {
		List<IssuedChain.Link> links = new ArrayList<>();
		if (claims.getClaim(CHAIN) instanceof List<?> chain) {
			for (Object item : chain) {
				if (item instanceof Map<?, ?> link && link.get("jti") instanceof String jti
						&& link.get("grant") instanceof String grant) {
					links.add(new IssuedChain.Link(jti, grant));
				}
			}
		}
		return links;
	}

}

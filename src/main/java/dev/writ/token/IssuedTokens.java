package dev.writ.token;

import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

import dev.writ.keys.SigningKey;
import dev.writ.keys.SigningKeys;
import dev.writ.trust.CompactJws;

/**
 * Recognises the access tokens this Writ issued: {@code typ: at+jwt}, signed by one of
 * its published keys (named by {@code kid}, with that key's algorithm), {@code iss} this
 * Writ, with a {@code jti}, not expired. Anything else — another issuer's token, a forged
 * or expired one — is not recognised.
 */
public final class IssuedTokens {

	/** The longest token recognised: Writ's own are well under 2 KiB. */
	static final int MAX_LENGTH = 16 * 1024;

	private final String issuer;

	private final Supplier<SigningKeys> keys;

	private final Clock clock;

	public IssuedTokens(String issuer, Supplier<SigningKeys> keys, Clock clock) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
		this.keys = Objects.requireNonNull(keys, "keys cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/** The token's claims, if it is a current token of this Writ. */
	public Optional<JWTClaimsSet> recognise(@Nullable String token) {
		if (token == null || token.isEmpty()) {
			return Optional.empty();
		}
		try {
			// One spelling per token: a re-encoded copy of a Writ token is not a Writ
			// token.
			SignedJWT jwt = CompactJws.parse(token, MAX_LENGTH);
			if (!AccessTokenMinter.AT_JWT.equals(jwt.getHeader().getType()) || jwt.getHeader().getKeyID() == null) {
				return Optional.empty();
			}
			Optional<SigningKey> key = this.keys.get()
				.published()
				.stream()
				.filter((k) -> k.kid().equals(jwt.getHeader().getKeyID())
						&& k.algorithm().equals(jwt.getHeader().getAlgorithm()))
				.findFirst();
			if (key.isEmpty() || !key.get().signed(jwt)) {
				return Optional.empty();
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			Date exp = claims.getExpirationTime();
			if (!this.issuer.equals(claims.getIssuer()) || claims.getJWTID() == null || exp == null
					|| !this.clock.instant().isBefore(exp.toInstant())) {
				return Optional.empty();
			}
			return Optional.of(claims);
		}
		catch (ParseException | JOSEException | RuntimeException ex) {
			return Optional.empty();
		}
	}

}

package dev.writ.token;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.Decision;
import dev.writ.testing.TestExchanges;

import static org.assertj.core.api.Assertions.assertThat;

class AccessTokenMinterTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

	@TempDir
	Path keysDir;

	@Test
	void mintThenRfc9068AccessToken() throws Exception {
		SigningKeys keys = new KeyDirectory(this.keysDir, Clock.fixed(NOW, ZoneOffset.UTC))
			.loadOrGenerate(KeyAlgorithm.ES256);
		AccessTokenMinter minter = new AccessTokenMinter("https://writ.example.org", () -> keys);
		Decision.Allow allow = new Decision.Allow("g", "https://api.example.org", Set.of("write", "read"),
				Duration.ofMinutes(5), Map.of("tenant", "acme", "tier", 2L), "digest");

		IssuedToken token = minter.mint(TestExchanges.context("spiffe://prod.example.org/a", NOW), allow);

		SignedJWT jwt = SignedJWT.parse(token.value());
		assertThat(jwt.verify(new ECDSAVerifier((ECKey) keys.publicKeys().get(0)))).isTrue();
		assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.active().kid());
		Map<String, Object> claims = jwt.getPayload().toJSONObject();
		assertThat(claims).containsEntry("iss", "https://writ.example.org")
			.containsEntry("sub", "spiffe://prod.example.org/a")
			.containsEntry("aud", "https://api.example.org")
			.containsEntry("client_id", "spiffe://prod.example.org/a")
			.containsEntry("scope", "read write")
			.containsEntry("iat", NOW.getEpochSecond())
			.containsEntry("nbf", NOW.getEpochSecond())
			.containsEntry("exp", NOW.plusSeconds(300).getEpochSecond())
			.containsEntry("jti", token.jti())
			.containsEntry("tenant", "acme")
			.containsEntry("tier", 2L)
			.containsEntry("grant", "g")
			.containsEntry("policy_digest", "digest");
		assertThat(token.scopes()).containsExactly("read", "write");
		assertThat(token.toString()).doesNotContain(token.value());
	}

	@Test
	void mintWhenCalledTwiceThenDistinctJti() throws Exception {
		SigningKeys keys = new KeyDirectory(this.keysDir, Clock.fixed(NOW, ZoneOffset.UTC))
			.loadOrGenerate(KeyAlgorithm.ES256);
		AccessTokenMinter minter = new AccessTokenMinter("https://writ.example.org", () -> keys);
		Decision.Allow allow = new Decision.Allow("g", "a", Set.of(), Duration.ofMinutes(1), Map.of(), "d");

		IssuedToken first = minter.mint(TestExchanges.context("spiffe://prod.example.org/a", NOW), allow);
		IssuedToken second = minter.mint(TestExchanges.context("spiffe://prod.example.org/a", NOW), allow);

		assertThat(first.jti()).isNotEqualTo(second.jti()).hasSize(22);
		assertThat(SignedJWT.parse(first.value()).getPayload().toJSONObject()).doesNotContainKey("scope");
	}

	@Test
	void mintedBetweenTwoSecondsThenExpiresAtIsTheJwtsExpNeverLaterThanItsLife() throws Exception {
		SigningKeys keys = new KeyDirectory(this.keysDir, Clock.fixed(NOW, ZoneOffset.UTC))
			.loadOrGenerate(KeyAlgorithm.ES256);
		AccessTokenMinter minter = new AccessTokenMinter("https://writ.example.org", () -> keys);
		Decision.Allow allow = new Decision.Allow("g", "a", Set.of(), Duration.ofSeconds(5), Map.of(), "d");
		Instant now = NOW.plusMillis(900);

		IssuedToken token = minter.mint(TestExchanges.context("spiffe://prod.example.org/a", now), allow);

		// The JWT's exp is whole seconds: what Writ says of the token's life (expires_in,
		// introspection, audit) is that exp, never the 0.9 s beyond it that a client
		// would
		// otherwise use the token for after resource servers refuse it.
		long exp = SignedJWT.parse(token.value()).getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond();
		assertThat(token.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp)).isBefore(now.plusSeconds(5));
		assertThat(Duration.between(token.issuedAt(), token.expiresAt()).toSeconds()).isEqualTo(4);
	}

}

package dev.writ.token;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.Decision;
import dev.writ.store.memory.MemoryStore;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestExchanges;

import static org.assertj.core.api.Assertions.assertThat;

class TokenStatusTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	@TempDir
	Path keysDir;

	private AccessTokenMinter minter;

	private TokenStatus status;

	private SigningKeys keys;

	@BeforeEach
	void setUp() {
		this.keys = new KeyDirectory(this.keysDir, this.clock).loadOrGenerate(KeyAlgorithm.ES256);
		this.minter = new AccessTokenMinter("https://writ.example.org", () -> this.keys);
		this.status = new TokenStatus(new IssuedTokens("https://writ.example.org", () -> this.keys, this.clock),
				new MemoryStore(this.clock, 10_000), Duration.ofHours(1), this.clock);
	}

	private String mint(String subject, String grant, Duration ttl) {
		Decision.Allow allow = new Decision.Allow(grant, "https://api.example.org", Set.of("read"), ttl, Map.of(),
				"digest");
		return this.minter.mint(TestExchanges.context(subject, this.clock.instant()), allow).value();
	}

	@Test
	void introspectWhenCurrentThenActiveWithItsClaims() {
		String token = mint("spiffe://prod.example.org/a", "g", Duration.ofMinutes(5));

		assertThat(this.status.introspect(token)).containsEntry("active", true)
			.containsEntry("sub", "spiffe://prod.example.org/a")
			.containsEntry("scope", "read")
			.containsEntry("grant", "g")
			.containsEntry("token_type", "Bearer")
			.containsKeys("exp", "iat", "jti", "aud", "iss", "client_id");
	}

	@Test
	void introspectWhenExpiredForeignOrGarbageThenInactive() {
		String token = mint("spiffe://prod.example.org/a", "g", Duration.ofMinutes(5));
		String foreign = TestAuthority.ec("x", this.clock)
			.token("https://writ.example.org", "s")
			.header((h) -> h.type(new com.nimbusds.jose.JOSEObjectType("at+jwt")))
			.claim("jti", "j")
			.sign();

		assertThat(this.status.introspect(foreign)).containsExactly(Map.entry("active", false));
		assertThat(this.status.introspect("garbage")).containsExactly(Map.entry("active", false));
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(this.status.introspect(token)).containsExactly(Map.entry("active", false));
	}

	@Test
	void revokeThenInactiveAndOthersUntouched() {
		String token = mint("spiffe://prod.example.org/a", "g", Duration.ofMinutes(5));
		String other = mint("spiffe://prod.example.org/a", "g", Duration.ofMinutes(5));

		this.status.revoke(token);
		this.status.revoke("not a token"); // RFC 7009 §2.2: ignored

		assertThat(this.status.introspect(token)).containsEntry("active", false);
		assertThat(this.status.introspect(other)).containsEntry("active", true);
	}

	@Test
	void revokeSubjectThenEveryTokenIssuedUntilNowInactiveAndLaterOnesActive() {
		String before = mint("spiffe://prod.example.org/a", "g", Duration.ofMinutes(30));
		String otherSubject = mint("spiffe://prod.example.org/b", "g", Duration.ofMinutes(30));

		this.status.revokeSubject("spiffe://prod.example.org/a");
		this.clock.advance(Duration.ofSeconds(1));
		String after = mint("spiffe://prod.example.org/a", "g", Duration.ofMinutes(30));

		assertThat(this.status.introspect(before)).containsEntry("active", false);
		assertThat(this.status.introspect(otherSubject)).containsEntry("active", true);
		assertThat(this.status.introspect(after)).containsEntry("active", true);
	}

	@Test
	void revokeGrantThenHeldAsLongAsAnyTokenOfItCanLive() {
		String token = mint("spiffe://prod.example.org/a", "g", Duration.ofHours(1));

		this.status.revokeGrant("g");
		this.clock.advance(Duration.ofMinutes(59));

		assertThat(this.status.introspect(token)).containsEntry("active", false);
	}

}

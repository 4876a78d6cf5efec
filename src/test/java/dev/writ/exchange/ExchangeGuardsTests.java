package dev.writ.exchange;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.writ.audit.AuditEvent;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.PolicySet;
import dev.writ.store.Store;
import dev.writ.store.memory.MemoryStore;
import dev.writ.store.redis.RedisStore;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestSvid;
import dev.writ.testing.TestTrust;
import dev.writ.token.AccessTokenMinter;
import dev.writ.trust.SubjectTokenVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Replay protection, rate limits and a store that is away, as the exchange applies them.
 */
class ExchangeGuardsTests {

	// The order of the P-256 group: (r, s) and (r, n - s) are both valid ECDSA
	// signatures.
	private static final BigInteger P256_ORDER = new BigInteger(
			"FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final TestAuthority once = TestAuthority.ec("once.example.org", this.clock);

	private final TestAuthority reuse = TestAuthority.ec("reuse.example.org", this.clock);

	private final TestAuthority lenient = TestAuthority.ec("lenient.example.org", this.clock);

	private final TestAuthority ci = TestAuthority.ec("ci.example.org", this.clock);

	private final List<AuditEvent> events = new ArrayList<>();

	@TempDir
	Path root;

	private PolicySet policies;

	private SigningKeys keys;

	@BeforeEach
	void policies() throws IOException {
		this.once.writeBundle(this.root.resolve("keys/trust/once.json"));
		this.reuse.writeBundle(this.root.resolve("keys/trust/reuse.json"));
		this.lenient.writeBundle(this.root.resolve("keys/trust/lenient.json"));
		Files.writeString(this.root.resolve("keys/trust/ci.jwks.json"),
				new com.nimbusds.jose.jwk.JWKSet(this.ci.oidcPublicKey()).toString(true));
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("p.yaml"), """
				spiffe:
				  - trust_domain: once.example.org
				    bundle: { file: keys/trust/once.json }
				    replay: one-time
				    rate_limit: { subject: "3 per 1m" }
				  - trust_domain: reuse.example.org
				    bundle: { file: keys/trust/reuse.json }
				    rate_limit: { subject: "2 per 1m", source: "3 per 1m" }
				  - trust_domain: lenient.example.org
				    bundle: { file: keys/trust/lenient.json }
				    rate_limit: { subject: "2 per 1m" }
				    on_store_failure: carry-on
				    max_token_lifetime: 1h
				    multiple_audiences: true
				oidc:
				  - name: ci
				    issuer: https://ci.example.org
				    jwks: { file: keys/trust/ci.jwks.json }
				    tenant_claims: [org]
				    replay: reuse
				    rate_limit: { subject: "5 per 1m", source: "2 per 1m" }
				grants:
				  - { id: org-1, trust: ci, subject_pattern: ".*", audience: a, scopes: [], claims: { org: "1" } }
				  - { id: org-2, trust: ci, subject_pattern: ".*", audience: a, scopes: [], claims: { org: "2" } }
				  - { id: once, subject_pattern: "spiffe://once\\\\.example\\\\.org/.*", audience: a, scopes: [] }
				  - { id: reuse, subject_pattern: "spiffe://reuse\\\\.example\\\\.org/.*", audience: a, scopes: [] }
				  - { id: lenient, subject_pattern: "spiffe://lenient\\\\.example\\\\.org/.*", audience: a, scopes: [] }
				""");
		this.policies = new PolicyLoader(TestTrust.factory(this.clock), this.root.resolve("keys"),
				Duration.ofMinutes(5), Duration.ofHours(1))
			.load(dir);
		this.keys = new KeyDirectory(this.root.resolve("keys"), this.clock).loadOrGenerate(KeyAlgorithm.ES256);
	}

	private TokenExchangeService service(Store store) {
		return new TokenExchangeService(() -> this.policies,
				// With a cache of verified tokens, as the server runs: replay is checked
				// on every presentation regardless.
				new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), Duration.ofSeconds(30), this.clock, 1000),
				new AccessTokenMinter("https://writ.example.org", () -> this.keys), store, store, this.events::add,
				this.clock, Duration.ofSeconds(30));
	}

	private static ExchangeException refused(Runnable exchange) {
		try {
			exchange.run();
		}
		catch (ExchangeException ex) {
			return ex;
		}
		throw new AssertionError("the exchange was not refused");
	}

	@Test
	void exchangeWhenOneTimeTokenUsedTwiceThenReplayRefusedAndAudited() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		String svid = this.once.svid("/job").claim("jti", "job-1").sign();

		service.exchange(TestExchanges.form(svid));
		ExchangeException replay = refused(() -> service.exchange(TestExchanges.form(svid)));

		assertThat(replay.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(replay.description())
			.isEqualTo("subject_token has already been used: this issuer's tokens are exchanged once each, "
					+ "so present a fresh one for every exchange");
		assertThat(replay.detail()).contains("replay: reuse would accept the same token again until it expires");
		assertThat(this.events.get(1).fields()).containsEntry("replay", Boolean.TRUE)
			.doesNotContainKey("issued_token_jti");
	}

	@Test
	void exchangeWhenAUsedOneTimeTokenIsReplayedThenNoBudgetIsSpentOnIt() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		String used = this.once.svid("/replayed").claim("jti", "r-1").sign();
		service.exchange(TestExchanges.form(used));

		for (int i = 0; i < 5; i++) {
			assertThat(refused(() -> service.exchange(TestExchanges.form(used))).description())
				.isEqualTo("subject_token has already been used: this issuer's tokens are exchanged once each, "
						+ "so present a fresh one for every exchange");
		}

		// The subject's budget (3 per minute) holds its one exchange only: two more fresh
		// tokens pass.
		assertThat(service.exchange(TestExchanges.form(this.once.svid("/replayed").claim("jti", "r-2").sign())).token())
			.isNotNull();
		assertThat(service.exchange(TestExchanges.form(this.once.svid("/replayed").claim("jti", "r-3").sign())).token())
			.isNotNull();
	}

	@Test
	void exchangeWhenPastExpButWithinTheSkewThenExpiredNotAboutToExpire() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));

		ExchangeException expired = refused(() -> service
			.exchange(TestExchanges.form(this.reuse.svid("/a").expiresIn(Duration.ofSeconds(-10)).sign())));
		String soon = this.reuse.svid("/b").expiresIn(Duration.ofSeconds(1)).sign();
		this.clock.advance(Duration.ofMillis(500));
		ExchangeException closeToIt = refused(() -> service.exchange(TestExchanges.form(soon)));

		assertThat(expired.description()).isEqualTo("subject_token has expired");
		assertThat(closeToIt.description()).isEqualTo("subject_token is about to expire");
	}

	@Test
	void exchangeWhenMintingFailsThenTheOneTimeTokenIsNotBurned() {
		java.util.concurrent.atomic.AtomicBoolean signingKeysAway = new java.util.concurrent.atomic.AtomicBoolean(true);
		MemoryStore store = new MemoryStore(this.clock, 10_000);
		TokenExchangeService service = new TokenExchangeService(() -> this.policies,
				new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), Duration.ofSeconds(30), this.clock, 1000),
				new AccessTokenMinter("https://writ.example.org", () -> {
					if (signingKeysAway.get()) {
						throw new IllegalStateException("no signing key loaded");
					}
					return this.keys;
				}), store, store, this.events::add, this.clock, Duration.ofSeconds(30));
		String svid = this.once.svid("/job").claim("jti", "job-2").sign();

		assertThat(refused(() -> service.exchange(TestExchanges.form(svid))).errorCode())
			.isEqualTo(ErrorCode.SERVER_ERROR);
		signingKeysAway.set(false);

		assertThat(service.exchange(TestExchanges.form(svid)).token().value()).isNotEmpty();
		assertThat(refused(() -> service.exchange(TestExchanges.form(svid))).description())
			.isEqualTo("subject_token has already been used: this issuer's tokens are exchanged once each, "
					+ "so present a fresh one for every exchange");
	}

	@Test
	void exchangeWhenSubjectTokenLivesLongerThanItsSourceAcceptsThenRefusedBeforeAnyStoreWrite() {
		MemoryStore store = new MemoryStore(this.clock, 10_000);
		TokenExchangeService service = service(store);

		// The default bound is 24 hours (plus the skew); the lenient entry sets 1h.
		assertThat(service.exchange(TestExchanges.form(this.reuse.svid("/a").expiresIn(Duration.ofHours(24)).sign())))
			.isNotNull();
		int stored = store.size();
		ExchangeException tooLong = refused(() -> service
			.exchange(TestExchanges.form(this.once.svid("/a").expiresIn(Duration.ofHours(25)).sign())));
		ExchangeException tooLongHere = refused(() -> service
			.exchange(TestExchanges.form(this.lenient.svid("/a").expiresIn(Duration.ofHours(2)).sign())));
		// Close to the year 9999: once the replay entry of such a token was born expired;
		// now it is not exchanged.
		ExchangeException extreme = refused(() -> service.exchange(
				TestExchanges.form(this.once.svid("/b").claim("exp", 253_402_300_000L).claim("jti", "x").sign())));

		assertThat(List.of(tooLong, tooLongHere, extreme)).allSatisfy((ex) -> {
			assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
			assertThat(ex.description()).isEqualTo("subject_token lives longer than this server accepts");
		});
		assertThat(store.size()).isEqualTo(stored);
	}

	@Test
	void exchangeWhenSvidNamesSeveralAudiencesThenRefusedUnlessTheEntryAllowsIt() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));

		ExchangeException refused = refused(() -> service.exchange(TestExchanges
			.form(this.reuse.svid("/a").audience(TestSvid.DEFAULT_AUDIENCE, "https://other.example.org").sign())));

		assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(refused.description()).isEqualTo("subject_token names more than one audience");
		assertThat(service.exchange(TestExchanges
			.form(this.lenient.svid("/a").audience(TestSvid.DEFAULT_AUDIENCE, "https://other.example.org").sign())))
			.isNotNull();
	}

	@Test
	void exchangeWhenSignatureReEncodedThenStillTheSameTokenAndRefused() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		String svid = this.once.svid("/job").sign(); // no jti: the payload identifies it
		service.exchange(TestExchanges.form(svid));

		String malleated = withHighS(svid);
		assertThat(malleated).isNotEqualTo(svid);

		assertThat(refused(() -> service.exchange(TestExchanges.form(malleated))).description())
			.isEqualTo("subject_token has already been used: this issuer's tokens are exchanged once each, "
					+ "so present a fresh one for every exchange");
	}

	@Test
	void exchangeWhenOneTimeTokenDeniedByPolicyThenNotBurned() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		String svid = this.once.svid("/job").claim("jti", "job-2").sign();
		java.util.Map<String, List<String>> wrongTarget = new java.util.HashMap<>(TestExchanges.form(svid));
		wrongTarget.put("audience", List.of("elsewhere"));

		refused(() -> service.exchange(wrongTarget));

		assertThat(service.exchange(TestExchanges.form(svid)).token()).isNotNull();
	}

	@Test
	void exchangeWhenReuseSourceThenSameTokenTwiceIsFine() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		String svid = this.reuse.svid("/api").sign();

		service.exchange(TestExchanges.form(svid));
		assertThat(service.exchange(TestExchanges.form(svid)).token()).isNotNull();
	}

	@Test
	void exchangeWhenRateLimitReachedThenSlowDownWithRetryAfterPerSubjectAndPerSource() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		service.exchange(TestExchanges.form(this.reuse.svid("/a").sign()));
		this.clock.advance(Duration.ofSeconds(20));
		service.exchange(TestExchanges.form(this.reuse.svid("/a").sign()));

		ExchangeException subject = refused(() -> service.exchange(TestExchanges.form(this.reuse.svid("/a").sign())));
		assertThat(subject.errorCode()).isEqualTo(ErrorCode.SLOW_DOWN);
		assertThat(subject.retryAfter()).hasValue(Duration.ofSeconds(40));

		// Another subject of the same source: its own subject budget, but the source's (3
		// per minute) runs out.
		service.exchange(TestExchanges.form(this.reuse.svid("/b").sign()));
		ExchangeException source = refused(() -> service.exchange(TestExchanges.form(this.reuse.svid("/c").sign())));
		assertThat(source.errorCode()).isEqualTo(ErrorCode.SLOW_DOWN);
		assertThat(source.detail()).contains("of source");

		this.clock.advance(Duration.ofSeconds(60));
		assertThat(service.exchange(TestExchanges.form(this.reuse.svid("/a").sign())).token()).isNotNull();
	}

	@Test
	void exchangeWhenStrangersAreRefusedThenTheSourceBudgetIsUntouched() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));

		// Ten subjects of the same source ask for what no grant allows: refused, and none
		// spends the source's 3.
		for (int i = 0; i < 10; i++) {
			String stranger = this.reuse.svid("/stranger-" + i).sign();
			assertThat(refused(() -> service.exchange(TestExchanges.form(stranger, "b"))).errorCode())
				.isEqualTo(ErrorCode.INVALID_TARGET);
		}

		assertThat(service.exchange(TestExchanges.form(this.reuse.svid("/a").sign())).token()).isNotNull();
		assertThat(service.exchange(TestExchanges.form(this.reuse.svid("/b").sign())).token()).isNotNull();
		assertThat(service.exchange(TestExchanges.form(this.reuse.svid("/c").sign())).token()).isNotNull();
	}

	@Test
	void exchangeWhenASubjectKeepsBeingRefusedThenSlowDownForItsRefusalsOnlyWithoutAStoreWrite() {
		MemoryStore store = new MemoryStore(this.clock, 10_000);
		TokenExchangeService service = service(store);
		String svid = this.reuse.svid("/a").sign();

		refused(() -> service.exchange(TestExchanges.form(svid, "b")));
		refused(() -> service.exchange(TestExchanges.form(svid, "b")));
		ExchangeException third = refused(() -> service.exchange(TestExchanges.form(svid, "b")));

		assertThat(third.errorCode()).isEqualTo(ErrorCode.SLOW_DOWN);
		assertThat(third.detail()).contains("refusals of subject");
		assertThat(store.size()).isZero();
		// Its allowed budget (2 per minute) is whole.
		assertThat(service.exchange(TestExchanges.form(svid)).token()).isNotNull();
		assertThat(service.exchange(TestExchanges.form(svid)).token()).isNotNull();
	}

	@Test
	void exchangeWhenOneTenantSpendsItsSourceBudgetThenAnotherTenantKeepsItsOwn() {
		TokenExchangeService service = service(new MemoryStore(this.clock, 10_000));
		java.util.function.Function<String, String> token = (
				org) -> this.ci.token("https://ci.example.org", "repo-" + org).claim("org", org).sign();

		service.exchange(TestExchanges.form(token.apply("1")));
		service.exchange(TestExchanges.form(token.apply("1")));
		ExchangeException spent = refused(() -> service.exchange(TestExchanges.form(token.apply("1"))));

		assertThat(spent.errorCode()).isEqualTo(ErrorCode.SLOW_DOWN);
		assertThat(spent.detail()).contains("tenant of source");
		assertThat(service.exchange(TestExchanges.form(token.apply("2"))).token()).isNotNull();
		assertThat(service.exchange(TestExchanges.form(token.apply("2"))).token()).isNotNull();
	}

	@Test
	void exchangeWhenStoreAwayThenFailClosedUnlessTheSourceMayCarryOn() {
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300)).build());
		nowhere.afterPropertiesSet();
		nowhere.start();
		try {
			TokenExchangeService service = service(new RedisStore(new StringRedisTemplate(nowhere), this.clock));

			ExchangeException oneTime = refused(
					() -> service.exchange(TestExchanges.form(this.once.svid("/job").sign())));
			assertThat(oneTime.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
			assertThat(oneTime.retryAfter()).isPresent();
			assertThat(refused(() -> service.exchange(TestExchanges.form(this.reuse.svid("/a").sign()))).errorCode())
				.isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);

			assertThat(service.exchange(TestExchanges.form(this.lenient.svid("/a").sign())).token()).isNotNull();
			assertThat(this.events.get(this.events.size() - 1).fields()).containsKey("store");
		}
		finally {
			nowhere.destroy();
		}
	}

	// The same ES256 JWS with s replaced by n - s: a different, equally valid signature.
	private static String withHighS(String jws) {
		String[] parts = jws.split("\\.");
		byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
		BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
		byte[] flipped = P256_ORDER.subtract(s).toByteArray();
		byte[] sBytes = new byte[32];
		System.arraycopy(flipped, Math.max(0, flipped.length - 32), sBytes, Math.max(0, 32 - flipped.length),
				Math.min(32, flipped.length));
		System.arraycopy(sBytes, 0, signature, 32, 32);
		return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
	}

}

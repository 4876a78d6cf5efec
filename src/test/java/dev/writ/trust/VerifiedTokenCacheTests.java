package dev.writ.trust;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;
import dev.writ.testing.FakeIssuer;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A repeat skips the signature check only while nothing that verified it has changed. */
class VerifiedTokenCacheTests {

	private static final TrustDomain PROD = TrustDomain.parse("prod.example.org");

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final TrustFactory factory = new TrustFactory(
			new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), true), RemoteKeys.RefreshPolicy.defaults(),
			this.clock, Runnable::run, false);

	private final SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE),
			Duration.ofSeconds(30), this.clock, 100);

	private final TestAuthority authority = TestAuthority.ec("prod.example.org", this.clock);

	private FakeIssuer issuer;

	@AfterEach
	void stop() {
		if (this.issuer != null) {
			this.issuer.close();
		}
	}

	private TrustSet bundle(TestAuthority... authorities) {
		return TrustSet
			.of(List.of(this.factory.spiffeBundle(PROD, TestAuthority.bundleJson(List.of(authorities), 1, 300))));
	}

	private VerifiedSubject verify(String token, TrustSet trust) {
		return this.verifier.verify(token, TokenTypes.JWT, trust);
	}

	@Test
	void verifyWhenPresentedAgainThenTheSameVerifiedSubjectWithoutAnotherSignatureCheck() {
		TrustSet trust = bundle(this.authority);
		String token = this.authority.svid("/api").sign();

		VerifiedSubject first = verify(token, trust);

		assertThat(verify(token, trust)).isSameAs(first);
	}

	@Test
	void verifyWhenTheBundleIsRotatedAndTheKeyRemovedThenRefused() {
		String token = this.authority.svid("/api").sign();
		verify(token, bundle(this.authority));

		TrustSet rotated = bundle(TestAuthority.ec("prod.example.org", this.clock));

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, rotated))
			.satisfies((ex) -> assertThat(ex.detail()).contains("is not among the keys"));
	}

	@Test
	void verifyWhenThePolicySetIsReloadedThenVerifiedAfresh() {
		String token = this.authority.svid("/api").sign();
		VerifiedSubject first = verify(token, bundle(this.authority));

		VerifiedSubject again = verify(token, bundle(this.authority)); // a new source
																		// object, same
																		// keys

		assertThat(again).isNotSameAs(first);
		assertThat(again.subject()).isEqualTo(first.subject());
	}

	@Test
	void verifyWhenTheCachedTokenExpiresThenRefusedAnyway() {
		TrustSet trust = bundle(this.authority);
		String token = this.authority.svid("/api").expiresIn(Duration.ofMinutes(1)).sign();
		verify(token, trust);

		this.clock.advance(Duration.ofSeconds(91));

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, trust))
			.satisfies((ex) -> assertThat(ex.description()).isEqualTo("subject_token has expired"));
	}

	@Test
	void verifyWhenAnIssuerRotatesAndRetiresTheKeyThenTheCachedTokenIsRefusedOnceTheNewKeysArrive() {
		this.issuer = FakeIssuer.start(this.clock);
		TrustSet trust = TrustSet.of(List.of(this.factory.oidcDiscovery("ci", this.issuer.issuer(), Set.of())));
		String token = this.issuer.token("s").expiresIn(Duration.ofHours(2)).sign();
		verify(token, trust);

		this.issuer.rotate();
		this.issuer.retireOldKeys();
		this.clock.advance(Duration.ofMinutes(10));
		verify(token, trust); // the keys in force until the refresh completes still hold
								// the old key, as without a cache

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, trust))
			.satisfies((ex) -> assertThat(ex.detail()).contains("is not among the keys"));
	}

	@Test
	void verifyWhenTheSameTokenIsDeclaredAnotherTypeThenNotTakenFromTheCache() {
		TrustSet trust = bundle(this.authority);
		String token = this.authority.svid("/api").sign();
		verify(token, trust);

		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> this.verifier.verify(token, TokenTypes.ID_TOKEN, trust));
	}

	@Test
	void cacheWhenFullThenBounded() {
		VerifiedTokenCache cache = new VerifiedTokenCache(2);
		TrustSet trust = bundle(this.authority);
		VerifiedSubject subject = verify(this.authority.svid("/x").sign(), trust);
		cache.put("k1", subject, trust.sources().get(0), "kid", KeySet.empty(), this.clock.instant());
		cache.put("k2", subject, trust.sources().get(0), "kid", KeySet.empty(), this.clock.instant());
		cache.put("k3", subject, trust.sources().get(0), "kid", KeySet.empty(), this.clock.instant());
		assertThat(cache.size()).isEqualTo(2);
		assertThat(cache.get("k3", trust, this.clock.instant())).isNull();
	}

	@Test
	void cacheWhenFullOfExpiredEntriesThenPurgedAtMostOnceASecond() {
		VerifiedTokenCache cache = new VerifiedTokenCache(1);
		TrustSet trust = bundle(this.authority);
		VerifiedSubject shortLived = verify(this.authority.svid("/x").expiresIn(Duration.ofSeconds(1)).sign(), trust);
		cache.put("old", shortLived, trust.sources().get(0), "kid", KeySet.empty(), this.clock.instant());
		this.clock.advance(Duration.ofMinutes(2)); // expired, plus the minute of grace
		VerifiedSubject fresh = verify(this.authority.svid("/y").expiresIn(Duration.ofMinutes(10)).sign(), trust);

		cache.put("new", fresh, trust.sources().get(0), "kid", KeySet.empty(), this.clock.instant());
		assertThat(cache.size()).isEqualTo(1); // the expired entry made room

		cache.put("newer", fresh, trust.sources().get(0), "kid", KeySet.empty(), this.clock.instant());
		assertThat(cache.size()).isEqualTo(1); // full, and no second purge within the
												// second: not cached
	}

}

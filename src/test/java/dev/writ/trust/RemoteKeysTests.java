package dev.writ.trust;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.Test;

import dev.writ.testing.FakeIssuer;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestAuthority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class RemoteKeysTests {

	private static final RemoteKeys.RefreshPolicy POLICY = new RemoteKeys.RefreshPolicy(Duration.ofMinutes(10),
			Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofHours(6));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final TestAuthority first = TestAuthority.ec("issuer.test", this.clock);

	private final TestAuthority second = TestAuthority.ec("issuer.test", this.clock);

	private final AtomicReference<List<TestAuthority>> published = new AtomicReference<>(List.of(this.first));

	private final AtomicReference<IOException> failure = new AtomicReference<>();

	private final AtomicInteger loads = new AtomicInteger();

	private final RemoteKeys.Loader loader = () -> {
		this.loads.incrementAndGet();
		if (this.failure.get() != null) {
			throw this.failure.get();
		}
		return new RemoteKeys.Loaded(keys(this.published.get()), Optional.empty());
	};

	private final RemoteKeys keys = new RemoteKeys("issuer", this.loader, POLICY, this.clock, Runnable::run);

	private static KeySet keys(List<TestAuthority> authorities) {
		return RemoteLoaders.signingKeys(
				new JWKSet(authorities.stream().map(TestAuthority::oidcPublicKey).toList()).toString(true), "test");
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void keysWhenAKidHoldsLineBreaksThenTheLogLineCannotBeForged(
			org.springframework.boot.test.system.CapturedOutput output) {
		com.nimbusds.jose.jwk.ECKey forged = new com.nimbusds.jose.jwk.ECKey.Builder(
				(com.nimbusds.jose.jwk.ECKey) this.first.oidcPublicKey())
			.keyID("k1\r\n2026-12-01T00:00:00Z ERROR FORGED line\u2028")
			.build();
		RemoteKeys remote = new RemoteKeys("issuer",
				() -> new RemoteKeys.Loaded(RemoteLoaders.signingKeys(new JWKSet(forged).toString(true), "test"),
						Optional.empty()),
				POLICY, this.clock, Runnable::run);

		remote.keys("k1");

		assertThat(output.getAll()).contains("Keys of issuer loaded")
			.contains("k1\\u000d\\u000a2026-12-01T00:00:00Z ERROR FORGED line\\u2028");
		assertThat(output.getAll().lines()).noneMatch((line) -> line.startsWith("2026-12-01T00:00:00Z ERROR FORGED"));
	}

	@Test
	void keysWhenFirstUseThenFetchedOnceAndServedFromCache() {
		assertThat(this.keys.health().state()).isEqualTo(SourceHealth.State.UNKNOWN);

		assertThat(this.keys.keys(this.first.kid()).keyIds()).containsExactly(this.first.kid());
		this.clock.advance(Duration.ofMinutes(9));
		this.keys.keys(this.first.kid());

		assertThat(this.loads).hasValue(1);
		assertThat(this.keys.health().state()).isEqualTo(SourceHealth.State.UP);
	}

	@Test
	void keysWhenOlderThanRefreshIntervalThenRefreshedAhead() {
		this.keys.keys(this.first.kid());
		this.published.set(List.of(this.first, this.second));
		this.clock.advance(Duration.ofMinutes(10));

		this.keys.keys(this.first.kid()); // served at once; the refresh runs on the
											// executor (here: inline)

		assertThat(this.loads).hasValue(2);
		assertThat(this.keys.keys(this.first.kid()).keyIds()).contains(this.second.kid());
	}

	@Test
	void keysWhenUnknownKidThenOneFetchPerIntervalPicksUpRotation() {
		this.keys.keys(this.first.kid());
		this.published.set(List.of(this.first, this.second));

		assertThat(this.keys.keys(this.second.kid()).keyIds()).contains(this.second.kid());
		assertThat(this.loads).hasValue(2);

		// A flood of unknown kids costs no more fetches until the interval has passed.
		for (int i = 0; i < 100; i++) {
			this.keys.keys("unknown-" + i);
		}
		assertThat(this.loads).hasValue(2);
		this.clock.advance(Duration.ofSeconds(30));
		this.keys.keys("unknown-again");
		assertThat(this.loads).hasValue(3);
	}

	@Test
	void keysWhenIssuerDownThenLastGoodKeysUntilMaxStaleThenFailClosedThenRecover() {
		this.keys.keys(this.first.kid());
		this.failure.set(new IOException("http://issuer/jwks: HTTP 503"));

		this.clock.advance(Duration.ofHours(5));
		assertThat(this.keys.keys(this.first.kid()).keyIds()).containsExactly(this.first.kid());
		assertThat(this.keys.health().state()).isEqualTo(SourceHealth.State.STALE);
		assertThat(this.keys.health().lastError()).hasValue("http://issuer/jwks: HTTP 503");

		this.clock.advance(Duration.ofHours(1));
		assertThatExceptionOfType(KeysUnavailableException.class).isThrownBy(() -> this.keys.keys(this.first.kid()))
			.withMessageContaining("older than");
		assertThat(this.keys.health().state()).isEqualTo(SourceHealth.State.DOWN);

		this.failure.set(null);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.keys.keys(this.first.kid()).keyIds()).containsExactly(this.first.kid());
		assertThat(this.keys.health().state()).isEqualTo(SourceHealth.State.UP);
	}

	@Test
	void keysWhenNeverFetchedAndIssuerDownThenFailClosedAndRetriesSpaced() {
		this.failure.set(new IOException("connection refused"));

		assertThatExceptionOfType(KeysUnavailableException.class).isThrownBy(() -> this.keys.keys("k"))
			.withMessageContaining("no keys fetched yet")
			.withMessageContaining("connection refused");
		assertThatExceptionOfType(KeysUnavailableException.class).isThrownBy(() -> this.keys.keys("k"));
		assertThat(this.loads).hasValue(1);
		assertThat(this.keys.health().state()).isEqualTo(SourceHealth.State.DOWN);

		this.clock.advance(Duration.ofSeconds(10));
		assertThatExceptionOfType(KeysUnavailableException.class).isThrownBy(() -> this.keys.keys("k"));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void keysWhenFetchedDocumentIsBadThenPreviousKeysKept() {
		this.keys.keys(this.first.kid());
		this.published.set(List.of());
		this.clock.advance(Duration.ofMinutes(10));

		this.keys.keys(this.first.kid());

		assertThat(this.loads).hasValue(2);
		assertThat(this.keys.keys(this.first.kid()).keyIds()).containsExactly(this.first.kid());
		assertThat(this.keys.health().lastError()).hasValueSatisfying((e) -> assertThat(e).contains("no signing key"));
	}

	@Test
	void keysWhenRefreshHintThenRefreshedAtTheHintWithinBounds() {
		RemoteKeys hinted = new RemoteKeys("bundle", () -> {
			this.loads.incrementAndGet();
			return new RemoteKeys.Loaded(keys(List.of(this.first)), Optional.of(Duration.ofMinutes(2)));
		}, POLICY, this.clock, Runnable::run);
		hinted.keys(this.first.kid());

		this.clock.advance(Duration.ofMinutes(1));
		hinted.keys(this.first.kid());
		assertThat(this.loads).hasValue(1);
		this.clock.advance(Duration.ofMinutes(1));
		hinted.keys(this.first.kid());
		assertThat(this.loads).hasValue(2);
	}

	// Keys whose fetch signals that it has begun, then holds until released (or 5 s have
	// passed).
	private RemoteKeys held(CountDownLatch loading, CountDownLatch release) {
		return new RemoteKeys("held", () -> {
			this.loads.incrementAndGet();
			loading.countDown();
			try {
				release.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new RemoteKeys.Loaded(keys(List.of(this.first)), Optional.empty());
		}, POLICY, this.clock, Runnable::run);
	}

	@Test
	void keysWhenManyCallersAtOnceThenOneFetch() throws Exception {
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		RemoteKeys slow = held(loading, release);
		List<Future<KeySet>> results = new ArrayList<>();
		try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 16; i++) {
				results.add(callers.submit(() -> slow.keys(this.first.kid())));
			}
			assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
			release.countDown();
			for (Future<KeySet> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS).keyIds()).containsExactly(this.first.kid());
			}
		}
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void keysWhenTheFetchIsStuckThenASecondCallerWaitsNoLongerThanItsDeadline() {
		// The executor is closed last: the issuer, closed first, ends a fetch that would
		// otherwise drip for minutes.
		try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
				FakeIssuer issuer = FakeIssuer.start(this.clock)) {
			issuer.mode(FakeIssuer.Mode.DRIP);
			HttpFetcher http = new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), true);
			RemoteKeys dripping = new RemoteKeys("dripping",
					RemoteLoaders.jwks(URI.create(issuer.issuer() + "/jwks"), http), POLICY, this.clock, callers);

			Future<KeySet> first = callers.submit(() -> dripping.keys("k"));
			await("the first fetch to begin").atMost(Duration.ofSeconds(20)).until(() -> issuer.keyRequests() == 1);
			Future<KeySet> second = callers.submit(() -> dripping.keys("k"));

			// Both are back once the 1 s deadline has passed; 20 s allows for a busy
			// machine, the drip takes minutes.
			for (Future<KeySet> caller : List.of(first, second)) {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> caller.get(20, TimeUnit.SECONDS))
					.withCauseInstanceOf(KeysUnavailableException.class);
			}
			assertThat(issuer.keyRequests()).isOne();
		}
	}

	@Test
	void refreshIfDueWhenAFetchIsUnderWayThenReturnsAtOnce() throws Exception {
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		RemoteKeys slow = held(loading, release);
		try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<KeySet> user = callers.submit(() -> slow.keys(this.first.kid()));
			assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
			Future<?> refresh = callers.submit(slow::refreshIfDue);
			try {
				// A scheduler is not held up by the fetch under way: it leaves that fetch
				// to finish on its own.
				assertThatCode(() -> refresh.get(4, TimeUnit.SECONDS)).doesNotThrowAnyException();
			}
			finally {
				release.countDown();
			}
			assertThat(user.get(5, TimeUnit.SECONDS).keyIds()).containsExactly(this.first.kid());
		}
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void refreshIfDueWhenNotDueThenNoFetch() {
		this.keys.refreshIfDue();
		this.keys.refreshIfDue();
		assertThat(this.loads).hasValue(1);
		this.clock.advance(Duration.ofMinutes(10));
		this.keys.refreshIfDue();
		assertThat(this.loads).hasValue(2);
	}

}

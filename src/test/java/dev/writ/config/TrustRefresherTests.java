package dev.writ.config;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.writ.testing.FakeIssuer;
import dev.writ.testing.MutableClock;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.OidcSource;
import dev.writ.trust.RemoteKeys;
import dev.writ.trust.SourceHealth;
import dev.writ.trust.TrustFactory;
import dev.writ.trust.TrustSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TrustRefresherTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final FakeIssuer stuck = FakeIssuer.start(this.clock);

	private final FakeIssuer quick = FakeIssuer.start(this.clock);

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	// A deadline far longer than the test waits: what keeps the quick issuer fresh is
	// that the refresher does not
	// wait for the stuck one, not that the stuck fetch gives up.
	private final TrustFactory factory = new TrustFactory(
			new HttpFetcher(Duration.ofSeconds(1), Duration.ofMinutes(1), true), RemoteKeys.RefreshPolicy.defaults(),
			this.clock, this.executor, false);

	private TrustRefresher refresher;

	@AfterEach
	void stop() {
		if (this.refresher != null) {
			this.refresher.close();
		}
		// Closing the issuers ends the drip, so the stuck fetch fails at once and the
		// executor empties.
		this.stuck.close();
		this.quick.close();
		this.executor.shutdownNow();
	}

	private OidcSource source(String name, FakeIssuer issuer) {
		return this.factory.oidcJwksUrl(name, issuer.issuer(), Set.of(), URI.create(issuer.issuer() + "/jwks"));
	}

	@Test
	void roundWhenOneSourceIsStuckThenTheOthersAreRefreshed() {
		this.stuck.mode(FakeIssuer.Mode.DRIP);
		// The stuck source comes first: a round that fetched in turn would never reach
		// the quick one.
		OidcSource first = source("stuck", this.stuck);
		OidcSource second = source("quick", this.quick);
		TrustSet trust = TrustSet.of(List.of(first, second));

		this.refresher = new TrustRefresher(() -> trust, Duration.ofSeconds(30));

		await("the stuck source's fetch to begin").atMost(Duration.ofSeconds(20))
			.until(() -> this.stuck.keyRequests() == 1);
		await("the quick source to be refreshed").atMost(Duration.ofSeconds(20))
			.until(() -> second.keys().health().state() == SourceHealth.State.UP);
		assertThat(first.keys().health().state()).isNotEqualTo(SourceHealth.State.UP);
		assertThat(this.stuck.abandonedDrips()).as("the stuck fetch is still under way").isZero();
	}

}

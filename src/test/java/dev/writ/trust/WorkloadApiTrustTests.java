package dev.writ.trust;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;
import dev.writ.testing.FakeWorkloadApi;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * JWT and X.509 bundles from a SPIFFE agent's Workload API, served for real over a Unix
 * domain socket.
 */
class WorkloadApiTrustTests {

	private static final TrustDomain PROD = TrustDomain.parse("prod.example.org");

	private static final TrustDomain PARTNER = TrustDomain.parse("partner.example.com");

	private final Clock clock = Clock.systemUTC();

	private final FakeWorkloadApi agent = FakeWorkloadApi.start();

	private final TrustFactory factory = new TrustFactory(
			new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), false), RemoteKeys.RefreshPolicy.defaults(),
			this.clock, Runnable::run, true);

	private final SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE),
			Duration.ofSeconds(30), this.clock);

	private final TestAuthority prod = TestAuthority.ec("prod.example.org", this.clock);

	private final TestAuthority partner = TestAuthority.ec("partner.example.com", this.clock);

	private final TestAuthority unnamed = TestAuthority.ec("unnamed.example.net", this.clock);

	@AfterEach
	void stop() throws InterruptedException {
		this.factory.close();
		this.agent.close();
	}

	private VerifiedSubject verify(String token, TrustSet trust) {
		return this.verifier.verify(token, TokenTypes.JWT, trust);
	}

	// The agent's stream delivers asynchronously; wait for the state, bounded, rather
	// than for a fixed time.
	private static <T> T eventually(Supplier<T> attempt) {
		return await("the Workload API's update").atMost(Duration.ofSeconds(10))
			.ignoreException(ExchangeException.class)
			.until(attempt::get, (value) -> true);
	}

	@Test
	void verifyWhenAgentServesBundlesThenOwnAndFederatedDomainsVerify() {
		this.agent.bundle("prod.example.org", this.prod);
		this.agent.bundle("partner.example.com", this.partner);
		this.agent.bundle("unnamed.example.net", this.unnamed);
		TrustSet trust = TrustSet.of(List.of(this.factory.spiffeWorkloadApi(PROD, this.agent.address()),
				this.factory.spiffeWorkloadApi(PARTNER, this.agent.address())));

		assertThat(eventually(() -> verify(this.prod.svid("/api").sign(), trust)).subject())
			.isEqualTo("spiffe://prod.example.org/api");
		assertThat(verify(this.partner.svid("/billing").sign(), trust).subject())
			.isEqualTo("spiffe://partner.example.com/billing");
		// The agent also knows a domain no policy entry names: its tokens are not
		// trusted.
		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> verify(this.unnamed.svid("/x").sign(), trust))
			.satisfies((ex) -> assertThat(ex.detail()).contains("not trusted"));
		assertThat(trust.sources().get(0).keys().health().state()).isEqualTo(SourceHealth.State.UP);
	}

	@Test
	void x509SvidWhenAgentServesX509BundlesThenVerifiedAndARotatedAuthorityTakenAtOnce() {
		this.agent.bundle("prod.example.org", this.prod);
		TrustSet trust = TrustSet.of(List.of(this.factory.spiffeWorkloadApi(PROD, this.agent.address())));
		X509SvidVerifier certificates = new X509SvidVerifier(this.clock);

		assertThat(eventually(() -> certificates.verify(this.prod.x509().svid("/api").issue().chainList(), trust))
			.subject()).isEqualTo("spiffe://prod.example.org/api");

		TestAuthority rotated = TestAuthority.ec("prod.example.org", this.clock);
		this.agent.bundle("prod.example.org", rotated);
		assertThat(
				eventually(() -> certificates.verify(rotated.x509().svid("/api").issue().chainList(), trust)).subject())
			.isEqualTo("spiffe://prod.example.org/api");
		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> certificates.verify(this.prod.x509().svid("/api").issue().chainList(), trust))
			.satisfies((ex) -> assertThat(ex.detail()).contains("does not chain"));
	}

	@Test
	void verifyWhenAgentPushesABundleUpdateThenNewKeysAtOnceAndRemovedKeysRefused() {
		this.agent.bundle("prod.example.org", this.prod);
		TrustSet trust = TrustSet.of(List.of(this.factory.spiffeWorkloadApi(PROD, this.agent.address())));
		eventually(() -> verify(this.prod.svid("/api").sign(), trust));

		TestAuthority rotated = TestAuthority.ec("prod.example.org", this.clock);
		this.agent.bundle("prod.example.org", rotated);

		assertThat(eventually(() -> verify(rotated.svid("/api").sign(), trust)).subject())
			.isEqualTo("spiffe://prod.example.org/api");
		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> verify(this.prod.svid("/api").sign(), trust))
			.satisfies((ex) -> assertThat(ex.detail()).contains("is not among the keys"));
	}

	@Test
	void verifyWhenNoAgentListensThenFailClosed() {
		TrustSet trust = TrustSet.of(List.of(this.factory.spiffeWorkloadApi(PROD, "unix:///nonexistent/agent.sock")));

		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> verify(this.prod.svid("/api").sign(), trust))
			.satisfies((ex) -> assertThat(ex.detail()).contains("no bundles from the Workload API"));
	}

	@Test
	void spiffeWorkloadApiWhenAddressIsNotASocketThenRefused() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> this.factory.spiffeWorkloadApi(PROD, "/run/agent.sock"));
	}

}

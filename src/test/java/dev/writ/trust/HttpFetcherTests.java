package dev.writ.trust;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.writ.testing.FakeIssuer;
import dev.writ.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

class HttpFetcherTests {

	private final FakeIssuer issuer = FakeIssuer.start(new MutableClock(Instant.parse("2026-11-22T10:00:00Z")));

	private final HttpFetcher http = new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), true);

	@AfterEach
	void stop() {
		this.issuer.close();
	}

	private URI jwks() {
		return URI.create(this.issuer.issuer() + "/jwks");
	}

	@Test
	void getWhenUpThenDocument() throws IOException {
		assertThat(this.http.get(jwks(), 64 * 1024)).contains(this.issuer.current().kid());
	}

	@Test
	void getWhenDownThenStatusNamed() {
		this.issuer.mode(FakeIssuer.Mode.DOWN);

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.http.get(jwks(), 64 * 1024))
			.withMessageContaining("HTTP 503");
	}

	@Test
	void getWhenLargerThanCapThenRefused() {
		this.issuer.mode(FakeIssuer.Mode.HUGE);

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.http.get(jwks(), 256 * 1024))
			.withMessageContaining("larger than");
	}

	@Test
	void getWhenRedirectedToAnotherOriginThenRefused() {
		this.issuer.mode(FakeIssuer.Mode.REDIRECT_AWAY);

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.http.get(jwks(), 64 * 1024))
			.withMessageContaining("another origin");
	}

	@Test
	void getWhenRedirectedWithinTheOriginThenFollowed() throws IOException {
		this.issuer.mode(FakeIssuer.Mode.REDIRECT_SAME);

		assertThat(this.http.get(jwks(), 64 * 1024)).contains(this.issuer.current().kid());
	}

	@Test
	void getWhenSlowerThanTimeoutThenTimesOut() {
		this.issuer.mode(FakeIssuer.Mode.SLOW);

		assertThatExceptionOfType(HttpTimeoutException.class).isThrownBy(() -> this.http.get(jwks(), 64 * 1024))
			.withMessageContaining(jwks().toString())
			.withMessageContaining("within");
	}

	@Test
	void getWhenBodyDripsThenFailsWithinTheDeadline() {
		this.issuer.mode(FakeIssuer.Mode.DRIP);

		// The drip would take minutes; the bound is far above the 1 s deadline, for a
		// busy machine.
		assertTimeoutPreemptively(Duration.ofSeconds(20),
				() -> assertThatExceptionOfType(HttpTimeoutException.class)
					.isThrownBy(() -> this.http.get(jwks(), 64 * 1024))
					.withMessageContaining(jwks().toString())
					.withMessageContaining("within")
					.withMessageNotContaining("keys"));
	}

	@Test
	void getWhenBodyDripsThenTheConnectionIsDroppedAtTheDeadline() {
		this.issuer.mode(FakeIssuer.Mode.DRIP);

		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatExceptionOfType(HttpTimeoutException.class)
			.isThrownBy(() -> this.http.get(jwks(), 64 * 1024)));

		// Giving up closes the connection: the issuer's next bytes find nobody, long
		// before the drip would end.
		await("the issuer to see the connection closed").atMost(Duration.ofSeconds(20))
			.until(() -> this.issuer.abandonedDrips() > 0);
	}

	@Test
	void getWhenRedirectsTogetherOutlastTheDeadlineThenTimesOut() {
		// Each hop (400 ms) is within the deadline; the four of them are not.
		this.issuer.mode(FakeIssuer.Mode.REDIRECT_SLOWLY);

		assertThatExceptionOfType(HttpTimeoutException.class).isThrownBy(() -> this.http.get(jwks(), 64 * 1024))
			.withMessageContaining("within");
	}

	@Test
	void getWhenNothingListensThenConnectFails() {
		this.issuer.close();

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.http.get(jwks(), 64 * 1024));
	}

	@Test
	void getWhenPlainHttpNotAllowedThenRefusedBeforeAnyRequest() {
		HttpFetcher strict = new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), false);

		assertThatIllegalArgumentException().isThrownBy(() -> strict.get(jwks(), 64 * 1024))
			.withMessageContaining("https");
		assertThat(this.issuer.keyRequests()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://issuer.example.org/jwks", "http://10.0.0.1/jwks", "https://u:p@issuer.example.org",
			"https://issuer.example.org/jwks?x=1", "https://issuer.example.org/#f", "issuer.example.org",
			"http://127.0.0.1.nip.io/jwks", "http://abc.def/jwks", "ftp://issuer.example.org" })
	void urlProblemWhenNotHttpsOrLoopbackHttpThenProblem(String url) {
		assertThat(HttpFetcher.urlProblem(URI.create(url), true)).isPresent();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://issuer.example.org", "https://issuer.example.org/tenant/v2.0",
			"http://127.0.0.1:8080", "http://[::1]:8080/x", "http://localhost:9000" })
	void urlProblemWhenHttpsOrLoopbackHttpThenNone(String url) {
		assertThat(HttpFetcher.urlProblem(URI.create(url), true)).isEmpty();
	}

}

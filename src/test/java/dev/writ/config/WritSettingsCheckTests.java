package dev.writ.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class WritSettingsCheckTests {

	private static WritProperties properties(String issuer, Duration skew, Duration defaultTtl, Duration maxTtl,
			String algorithm) {
		return properties(issuer, skew, defaultTtl, maxTtl, new WritProperties.Keys(algorithm, Duration.ofHours(1),
				null, Duration.ofDays(30), Duration.ofSeconds(10), null));
	}

	private static WritProperties properties(WritProperties.Keys keys) {
		return properties("http://localhost:8080", Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1),
				keys);
	}

	private static WritProperties properties(String issuer, Duration skew, Duration defaultTtl, Duration maxTtl,
			WritProperties.Keys keys) {
		return properties(issuer, skew, defaultTtl, maxTtl, keys, trust(Duration.ofSeconds(2), Duration.ofSeconds(5)));
	}

	private static WritProperties.Trust trust(Duration connectTimeout, Duration timeout) {
		return new WritProperties.Trust(connectTimeout, timeout, Duration.ofMinutes(10), Duration.ofSeconds(30),
				Duration.ofSeconds(10), Duration.ofHours(6), false, 10000);
	}

	private static WritProperties properties(String issuer, Duration skew, Duration defaultTtl, Duration maxTtl,
			WritProperties.Keys keys, WritProperties.Trust trust) {
		return new WritProperties(issuer, List.of(), Path.of("policies"), Duration.ofSeconds(2), Path.of("keys"), skew,
				new WritProperties.Token(defaultTtl, maxTtl), keys, trust, new WritProperties.Admin(false),
				new WritProperties.Store("memory", 1_000_000, null, Duration.ofMillis(200)),
				new WritProperties.Metrics(List.of("127.0.0.0/8", "::1/128")), new WritProperties.Audit(null),
				new WritProperties.Exchanges(null, Duration.ofSeconds(1)), new WritProperties.Delegation(4),
				new WritProperties.Dpop(false), new WritProperties.Credentials(Duration.ofSeconds(10),
						Duration.ofSeconds(5), Path.of("secrets"), List.of()),
				false);
	}

	@Test
	void problemsWhenDefaultsThenNone() {
		assertThat(WritSettingsCheck.problems(properties("http://localhost:8080", Duration.ofSeconds(30),
				Duration.ofMinutes(5), Duration.ofHours(1), "ES256")))
			.isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://writ.example.org", "https://writ.example.org/tenant-a", "http://127.0.0.1:8080",
			"http://[::1]:8080", "http://localhost" })
	void issuerProblemWhenHttpsOrLoopbackHttpThenNone(String issuer) {
		assertThat(WritSettingsCheck.issuerProblem(issuer, false)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://writ.example.org", "https://writ.example.org/", "https://writ.example.org?x=1",
			"https://writ.example.org#f", "https://user@writ.example.org", "writ.example.org", "ftp://writ.example.org",
			"http://10.0.0.1", "http://localhost.evil.example", "not a url" })
	void issuerProblemWhenNotAnAcceptableIssuerThenProblem(String issuer) {
		assertThat(WritSettingsCheck.issuerProblem(issuer, false)).isPresent();
	}

	@Test
	void issuerProblemWhenPlainHttpAllowedThenHttpIssuerOnAnyHost() {
		assertThat(WritSettingsCheck.issuerProblem("http://writ:8080", true)).isEmpty();
		assertThat(WritSettingsCheck.issuerProblem("http://writ:8080/", true)).isPresent();
	}

	@Test
	void forwardedHeadersProblemWhenBelievedFromUnnamedProxiesThenProblem() {
		assertThat(WritSettingsCheck.forwardedHeadersProblem(new MockEnvironment())).isEmpty();
		assertThat(WritSettingsCheck
			.forwardedHeadersProblem(new MockEnvironment().withProperty("server.forward-headers-strategy", "none")))
			.isEmpty();
		assertThat(WritSettingsCheck
			.forwardedHeadersProblem(new MockEnvironment().withProperty("server.forward-headers-strategy", "native")))
			.hasValueSatisfying((p) -> assertThat(p).contains("server.tomcat.remoteip.internal-proxies"));
		assertThat(WritSettingsCheck
			.forwardedHeadersProblem(new MockEnvironment().withProperty("server.forward-headers-strategy", "native")
				.withProperty("server.tomcat.remoteip.internal-proxies", "10\\.0\\.3\\.7")))
			.isEmpty();
		assertThat(WritSettingsCheck.forwardedHeadersProblem(
				new MockEnvironment().withProperty("server.forward-headers-strategy", "framework")))
			.hasValueSatisfying((p) -> assertThat(p).contains("any client"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "::1", "[::1]", "localhost", "127.1.2.3" })
	void transportProblemWhenPlainHttpOnLoopbackThenNone(String address) {
		assertThat(WritSettingsCheck.transportProblem(new MockEnvironment().withProperty("server.address", address),
				false))
			.isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0.0.0.0", "::", "10.1.2.3", "writ.example.org", "localhost.evil.example" })
	void transportProblemWhenPlainHttpBeyondLoopbackThenRefusedUnlessAllowed(String address) {
		MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

		assertThat(WritSettingsCheck.transportProblem(environment, false)).hasValueSatisfying(
				(p) -> assertThat(p).startsWith("plain http on " + address + ":").contains("server.ssl.bundle"));
		assertThat(WritSettingsCheck.transportProblem(environment, true)).isEmpty();
	}

	@Test
	void transportProblemWhenNoAddressThenEveryInterfaceRefused() {
		assertThat(WritSettingsCheck.transportProblem(new MockEnvironment(), false))
			.hasValueSatisfying((p) -> assertThat(p).startsWith("plain http on every interface"));
	}

	@Test
	void transportProblemWhenTlsConfiguredThenAnyAddress() {
		MockEnvironment tls = new MockEnvironment().withProperty("server.address", "0.0.0.0")
			.withProperty("server.ssl.bundle", "writ");

		assertThat(WritSettingsCheck.transportProblem(tls, false)).isEmpty();
		assertThat(WritSettingsCheck.transportProblem(tls.withProperty("server.ssl.enabled", "false"), false))
			.isPresent();
	}

	@Test
	void problemsWhenSeveralWrongThenAllListed() {
		List<String> problems = WritSettingsCheck.problems(properties("http://writ.example.org", Duration.ofSeconds(90),
				Duration.ofHours(2), Duration.ofHours(1), "HS256"));

		assertThat(problems).hasSize(4)
			.anySatisfy((p) -> assertThat(p).contains("writ.issuer"))
			.anySatisfy((p) -> assertThat(p).contains("writ.clock-skew"))
			.anySatisfy((p) -> assertThat(p).contains("writ.token.default-ttl"))
			.anySatisfy((p) -> assertThat(p).contains("writ.keys.algorithm"));
	}

	@Test
	void problemsWhenKeyScheduleCouldStrandTokensOrKeysThenEachNamed() {
		// A key retired before its tokens expire, a rotation faster than keys can retire,
		// a reload slower than the
		// publish-ahead time: each would let a resource server meet a kid it does not
		// know, or drop one too early.
		List<String> problems = WritSettingsCheck.problems(properties(new WritProperties.Keys("ES256",
				Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(20), Duration.ofMinutes(2), null)));

		assertThat(problems).hasSize(3)
			.anySatisfy((p) -> assertThat(p).contains("writ.keys.retire-after").contains("3630s"))
			.anySatisfy((p) -> assertThat(p).contains("writ.keys.rotation-period"))
			.anySatisfy((p) -> assertThat(p).contains("writ.keys.reload-interval"));
	}

	@Test
	void problemsWhenAFetchTimeoutIsNotPositiveThenNamed() {
		WritProperties.Keys keys = new WritProperties.Keys("ES256", Duration.ofHours(1), null, Duration.ofDays(30),
				Duration.ofSeconds(10), null);

		assertThat(WritSettingsCheck.problems(properties("http://localhost:8080", Duration.ofSeconds(30),
				Duration.ofMinutes(5), Duration.ofHours(1), keys, trust(Duration.ofSeconds(2), Duration.ZERO))))
			.containsExactly("writ.trust.connect-timeout and writ.trust.timeout must be positive");
	}

	@Test
	void problemsWhenTrustIntervalsAreZeroThenNamed() {
		WritProperties.Trust trust = new WritProperties.Trust(Duration.ofSeconds(2), Duration.ofSeconds(5),
				Duration.ofMinutes(10), Duration.ZERO, Duration.ofSeconds(10), Duration.ofHours(6), false, 10000);

		assertThat(WritSettingsCheck.problems(
				properties("http://localhost:8080", Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1),
						new WritProperties.Keys("ES256", Duration.ofHours(1), null, Duration.ofDays(30),
								Duration.ofSeconds(10), null),
						trust)))
			.containsExactly(
					"writ.trust.refresh-interval, writ.trust.min-refetch-interval and writ.trust.retry-interval "
							+ "must be positive");
	}

	@Test
	void retireAfterWhenUnsetThenLongestTokenPlusSkewPlusAMinute() {
		WritProperties.Keys keys = new WritProperties.Keys("ES256", Duration.ofHours(1), null, Duration.ZERO,
				Duration.ofSeconds(10), null);

		assertThat(keys.retireAfter(Duration.ofHours(1), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(3690));
		assertThat(WritSettingsCheck.problems(properties(keys))).isEmpty();
	}

}

package dev.writ.spring.client;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which URL gets which target's token. */
class WritTargetsTests {

	private static WritTargets targets(String... baseUrls) {
		return WritTargets.of(
				Map.of("payments", new WritClientProperties.Target("https://payments.example.org",
						List.of("payments:read"), List.of(baseUrls).stream().map(URI::create).toList(), false)),
				Optional.empty());
	}

	@Test
	void urlOfTheBaseThenTokenAndAnyOtherNone() {
		WritTargets targets = targets("https://gw.example.org/payments");
		for (String covered : new String[] { "https://gw.example.org/payments", "https://GW.example.org:443/payments/x",
				"https://gw.example.org/payments/charges?id=1" }) {
			assertThat(targets.requestFor(URI.create(covered))).as(covered).isPresent();
		}
		for (String other : new String[] { "https://gw.example.org/paymentsx", "https://gw.example.org/admin",
				"http://gw.example.org/payments", "https://gw.example.org:8443/payments",
				"https://gw.example.org.evil.example/payments", "https://evil.example/payments",
				"https://gw.example.org/payments/../admin", "https://gw.example.org/payments/%2e%2e/admin",
				"https://gw.example.org/payments/%2E./admin", "https://gw.example.org/payments/..;/admin",
				"https://gw.example.org/payments/./x", "https://gw.example.org/payments;jsessionid=1" }) {
			assertThat(targets.requestFor(URI.create(other))).as(other).isEmpty();
		}
	}

	@Test
	void twoTargetsClaimingOneBaseUrlThenRefused() {
		assertThatThrownBy(
				() -> WritTargets.of(
						Map.of("a",
								new WritClientProperties.Target("https://a.example.org", List.of(),
										List.of(URI.create("https://gw.example.org/api")), false),
								"b",
								new WritClientProperties.Target("https://b.example.org", List.of(),
										List.of(URI.create("https://GW.example.org:443/api/")), false)),
						Optional.empty()))
			.hasMessageContaining("is writ.client.targets.");
	}

}

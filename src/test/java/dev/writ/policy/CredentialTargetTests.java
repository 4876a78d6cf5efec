package dev.writ.policy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target's host and port, read from its admin URL, and whether the operator's
 * {@code writ.credentials.allowed-hosts} takes them.
 */
class CredentialTargetTests {

	private static CredentialTarget target(CredentialTarget.Kind kind, String url) {
		return new CredentialTarget("t", kind, "a", url, "admin", null, "TARGET_P", "r", Duration.ofHours(1), "writ_",
				"test:1");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			POSTGRESQL | jdbc:postgresql://db.internal:5433/orders?sslmode=verify-full | db.internal | 5433
			POSTGRESQL | jdbc:postgresql://db.internal/orders                          | db.internal | 5432
			POSTGRESQL | jdbc:postgresql://[::1]:6000/orders                           | [::1]       | 6000
			REDIS      | rediss://cache.internal:6380/2                                | cache.internal | 6380
			REDIS      | redis://127.0.0.1:6379                                        | 127.0.0.1   | 6379
			""")
	void hostAndPortWhenReadThenAsTheUrlSays(CredentialTarget.Kind kind, String url, String host, int port) {
		assertThat(target(kind, url).host()).isEqualTo(host);
		assertThat(target(kind, url).port()).isEqualTo(port);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			db.internal:5433     | true
			DB.Internal:5433     | true
			db.internal          | false
			db.internal:5432     | false
			internal             | false
			evil.db.internal     | false
			''                   | false
			""")
	void hostInWhenTheOperatorListsItThenTrue(String allowed, boolean taken) {
		CredentialTarget target = target(CredentialTarget.Kind.POSTGRESQL,
				"jdbc:postgresql://db.internal:5433/orders?sslmode=verify-full");

		assertThat(target.hostIn(List.of(allowed))).isEqualTo(taken);
		assertThat(target.hostIn(List.of())).isFalse();
	}

	@org.junit.jupiter.api.Test
	void hostInWhenABareHostThenItsKindsDefaultPortOnly() {
		CredentialTarget standard = target(CredentialTarget.Kind.REDIS, "rediss://cache.internal:6379");
		CredentialTarget other = target(CredentialTarget.Kind.REDIS, "rediss://cache.internal:6380");
		CredentialTarget ipv6 = target(CredentialTarget.Kind.POSTGRESQL, "jdbc:postgresql://[::1]/orders");

		assertThat(standard.hostIn(List.of("cache.internal"))).isTrue();
		assertThat(other.hostIn(List.of("cache.internal"))).isFalse();
		assertThat(ipv6.hostIn(List.of("[::1]"))).isTrue();
		assertThat(ipv6.hostIn(List.of("[::1]:5433"))).isFalse();
	}

}

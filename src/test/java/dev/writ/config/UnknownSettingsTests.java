package dev.writ.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class UnknownSettingsTests {

	static StandardEnvironment environment(Map<String, Object> properties, Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		environment.getPropertySources().addFirst(new MapPropertySource("arguments", properties));
		return environment;
	}

	@Test
	void unitlessDurationsWhenABareNumberInAnyFormThenNamedWithItsValue() {
		StandardEnvironment environment = environment(
				Map.of("writ.clock-skew", "30", "writ.token.default-ttl", "5m", "writ.policies-reload-interval", "0"),
				Map.of("WRIT_TOKEN_MAXTTL", "15", "WRIT_TRUST_TIMEOUT", "PT5S"));
		ConfigurationPropertySources.attach(environment); // as Spring Boot does: relaxed
															// names resolve

		assertThat(UnknownSettings.unitlessDurations(environment).values()).containsExactly(
				"writ.clock-skew=30 has no unit: write it with one, such as 30s, 30m or 30h (a bare number would be read "
						+ "as milliseconds)",
				"writ.token.max-ttl=15 has no unit: write it with one, such as 15s, 15m or 15h (a bare number would be "
						+ "read as milliseconds)");
	}

	@Test
	void problemsWhenEverySettingKnownInAnyRelaxedFormThenNone() {
		assertThat(UnknownSettings.problems(environment(
				Map.of("writ.token.max-ttl", "1h", "writ.token.maxTtl", "1h", "writ.audiences[0]", "a",
						"writ.metrics.allowed-networks[1]", "10.0.0.0/8", "spring.data.redis.host", "redis",
						"writer.unrelated", "x"),
				Map.of("WRIT_TOKEN_MAXTTL", "1h", "WRIT_TOKEN_MAX_TTL", "1h", "WRIT_KEYS_PASSPHRASE", "s",
						"WRIT_AUDIENCES_0", "a", "WRIT_CRYPTO_PROVIDER", "jdk", "PATH", "/bin"))))
			.isEmpty();
	}

	@Test
	void problemsWhenPropertyMisspeltThenRefusedWithTheNearestName() {
		assertThat(UnknownSettings.problems(environment(Map.of("writ.token.max-tll", "1h"), Map.of())))
			.containsExactly("writ.token.max-tll is not a Writ setting; did you mean writ.token.max-ttl?");
		assertThat(UnknownSettings.problems(environment(Map.of("writ.tokens.maxTtl", "1h"), Map.of())))
			.containsExactly("writ.tokens.maxTtl is not a Writ setting; did you mean writ.token.max-ttl?");
	}

	@Test
	void problemsWhenASettingReadOutsideSpringIsAPropertyThenRefusedWithWhereItIsRead() {
		// Writ reads them before Spring starts, from the environment (and the JVM's
		// system properties): in a file or
		// an argument they would be ignored, the passphrase left where it must never be.
		assertThat(UnknownSettings
			.problems(environment(Map.of("writ.keys.passphrase", "s3cret", "writ.crypto.provider", "jdk"), Map.of())))
			.containsExactlyInAnyOrder(
					"writ.keys.passphrase is read only from the environment variable WRIT_KEYS_PASSPHRASE, or a file "
							+ "named by writ.keys.passphrase-file; never a property",
					"writ.crypto.provider is read only from a JVM system property (-Dwrit.crypto.provider) or the "
							+ "environment variable WRIT_CRYPTO_PROVIDER");
	}

	@Test
	void problemsWhenCryptoProviderIsASystemPropertyThenNone() {
		StandardEnvironment environment = environment(Map.of(), Map.of());
		environment.getPropertySources()
			.addLast(new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
					Map.of("writ.crypto.provider", "jdk")));

		assertThat(UnknownSettings.problems(environment)).isEmpty();
	}

	@Test
	void problemsWhenNothingNearThenRefusedWithoutAGuess() {
		assertThat(UnknownSettings.problems(environment(Map.of("writ.frobnicate-everything", "yes"), Map.of())))
			.containsExactly("writ.frobnicate-everything is not a Writ setting");
	}

	@Test
	void problemsWhenEnvironmentVariableMisspeltThenRefusedWithTheNearestName() {
		// Spring Boot would ignore it and keep the default: a token lifetime the operator
		// did not choose.
		assertThat(UnknownSettings.problems(environment(Map.of(), Map.of("WRIT_TOKEN_MAXTL", "1h", "WRIT_HOST", "1"))))
			.containsExactlyInAnyOrder(
					"environment variable WRIT_TOKEN_MAXTL is not a Writ setting; did you mean "
							+ "WRIT_TOKEN_MAXTTL (writ.token.max-ttl)?",
					"environment variable WRIT_HOST is not a Writ setting");
	}

	@Test
	void problemsWhenKubernetesServiceLinksOfServicesNamedWritThenNone() {
		// What Kubernetes injects into every pod of a namespace with services "writ" and
		// "writ-redis".
		assertThat(UnknownSettings.problems(environment(Map.of(),
				Map.of("WRIT_SERVICE_HOST", "10.0.0.7", "WRIT_SERVICE_PORT", "8443", "WRIT_SERVICE_PORT_HTTPS", "8443",
						"WRIT_PORT", "tcp://10.0.0.7:8443", "WRIT_PORT_8443_TCP", "tcp://10.0.0.7:8443",
						"WRIT_PORT_8443_TCP_PROTO", "tcp", "WRIT_PORT_8443_TCP_PORT", "8443", "WRIT_PORT_8443_TCP_ADDR",
						"10.0.0.7", "WRIT_REDIS_SERVICE_HOST", "10.0.0.8", "WRIT_REDIS_PORT_6379_TCP_ADDR",
						"10.0.0.8"))))
			.isEmpty();
		assertThat(UnknownSettings.problems(environment(Map.of(), Map.of("WRIT_TOKEN_PORT_TTL", "1h")))).hasSize(1);
	}

	@Test
	void knownWhenComparedWithTheRecordsThenNestedSettingsAreLeavesInKebabCase() {
		assertThat(UnknownSettings.known())
			.contains("writ.issuer", "writ.keys-dir", "writ.keys.passphrase-file", "writ.trust.allow-loopback-http",
					"writ.audit.file")
			.doesNotContain("writ.keys", "writ.trust");
	}

	@Test
	void distanceWhenComparedThenLevenshtein() {
		assertThat(UnknownSettings.distance("kitten", "sitting")).isEqualTo(3);
		assertThat(UnknownSettings.distance("", "abc")).isEqualTo(3);
		assertThat(UnknownSettings.distance("same", "same")).isZero();
	}

}

package dev.writ.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The server's settings read from a given environment, as the server reads its own. */
class ServerSettingsTests {

	@Test
	void readWhenNothingSetThenTheServersDefaultsAndTheIssuerOfApplicationYaml() {
		ServerSettings settings = ServerSettings.read(Map.of(), Map.of());

		WritProperties properties = settings.properties();
		assertThat(properties.keysDir()).isEqualTo(Path.of("keys"));
		assertThat(properties.policiesDir()).isEqualTo(Path.of("policies"));
		assertThat(properties.token().maxTtl()).isEqualTo(Duration.ofHours(1));
		assertThat(properties.token().defaultTtl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.keys().algorithm()).isEqualTo("ES256");
		assertThat(settings.issuer().issuer()).contains("http://localhost:8080");
		assertThat(settings.passphrase().isPresent()).isFalse();
	}

	@Test
	void readWhenEitherNameSpringBootBindsThenTheSetting() {
		WritProperties properties = ServerSettings
			.read(Map.of("WRIT_KEYS_PUBLISHAHEAD", "2h", "WRIT_TOKEN_MAX_TTL", "10m", "WRIT_POLICIESDIR",
					"/etc/writ/policies"), Map.of())
			.properties();

		assertThat(properties.keys().publishAhead()).isEqualTo(Duration.ofHours(2));
		assertThat(properties.token().maxTtl()).isEqualTo(Duration.ofMinutes(10));
		assertThat(properties.policiesDir()).isEqualTo(Path.of("/etc/writ/policies"));
		assertThat(properties.keys().retireAfter(properties.token().maxTtl(), properties.clockSkew()))
			.isEqualTo(Duration.ofSeconds(690));
	}

	@Test
	void readWhenOverridesThenTheyWinOverTheEnvironment() {
		ServerSettings settings = ServerSettings.read(Map.of("WRIT_TOKEN_MAXTTL", "10m", "SERVER_PORT", "18081"),
				Map.of("writ.token.max-ttl", "2h", "writ.issuer", "https://writ.example.org"));

		assertThat(settings.properties().token().maxTtl()).isEqualTo(Duration.ofHours(2));
		assertThat(settings.issuer().issuer()).contains("https://writ.example.org");
	}

	@Test
	void issuerWhenServerSettingsInTheEnvironmentThenDerivedFromThem() {
		assertThat(ServerSettings.read(Map.of("SERVER_PORT", "18081"), Map.of()).issuer().issuer())
			.contains("http://localhost:18081");
		assertThat(ServerSettings.read(Map.of("SERVER_ADDRESS", "0.0.0.0"), Map.of()).issuer().problem()).isPresent();
	}

	@Test
	void readWhenADurationHasNoUnitThenRefusedAsTheServerRefusesIt() {
		assertThatExceptionOfType(WritConfigurationException.class)
			.isThrownBy(() -> ServerSettings.read(Map.of("WRIT_TOKEN_MAXTTL", "15"), Map.of()))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.startsWith("writ.token.max-ttl=15 has no unit"));
	}

	@Test
	void readWhenAValueCannotBeBoundThenRefusedNamingTheSettingAndWhereItCameFrom() {
		assertThatExceptionOfType(WritConfigurationException.class)
			.isThrownBy(() -> ServerSettings.read(Map.of("WRIT_TOKEN_MAXTTL", "forever"), Map.of()))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains("writ.token.max-ttl=forever")
				.contains("WRIT_TOKEN_MAXTTL")
				.endsWith("is not a Duration"));
	}

	@Test
	void passphraseWhenTheVariableIsInTheGivenEnvironmentThenFromIt() {
		assertThat(ServerSettings.read(Map.of("WRIT_KEYS_PASSPHRASE", "not-a-secret"), Map.of()).passphrase())
			.hasToString("Passphrase[environment variable WRIT_KEYS_PASSPHRASE]");
	}

}

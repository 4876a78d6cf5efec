package dev.writ.config;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The issuer derived from where Writ listens, when writ.issuer is unset. */
class ListeningIssuerTests {

	private static ListeningIssuer.Derived derive(Map<String, String> settings) {
		return ListeningIssuer.derive(settings::get);
	}

	@Test
	void deriveWhenLoopbackThenLocalhostWithThePort() {
		assertThat(derive(Map.of("server.address", "127.0.0.1", "server.port", "18081")).issuer())
			.contains("http://localhost:18081");
		assertThat(derive(Map.of("server.address", "::1")).issuer()).contains("http://localhost:8080");
	}

	@Test
	void deriveWhenTlsThenHttpsAndTheDefaultPortLeftOut() {
		assertThat(derive(Map.of("server.address", "127.0.0.1", "server.port", "443", "server.ssl.bundle", "writ"))
			.issuer()).contains("https://localhost");
		assertThat(derive(Map.of("server.address", "10.0.0.5", "server.port", "8443", "server.ssl.bundle", "writ"))
			.issuer()).contains("https://10.0.0.5:8443");
		assertThat(
				derive(Map.of("server.address", "fd00::5", "server.ssl.bundle", "writ", "server.ssl.enabled", "false"))
					.issuer())
			.contains("http://[fd00::5]:8080");
	}

	@Test
	void deriveWhenNoHostOrNoPortYetThenAProblemAskingForTheIssuer() {
		assertThat(derive(Map.of("server.address", "0.0.0.0")).problem()).get()
			.asString()
			.contains("listens on every interface");
		assertThat(derive(Map.of("server.address", "[::]")).problem()).isPresent();
		assertThat(derive(Map.of()).problem()).isPresent();
		assertThat(derive(Map.of("server.address", "127.0.0.1", "server.port", "0")).problem()).get()
			.asString()
			.contains("server.port=0");
		assertThat(derive(Map.of("server.address", "127.0.0.1", "server.port", "http")).problem()).isPresent();
	}

	@Test
	void issuerWhenConfiguredThenItElseTheDerivedOne() {
		Map<String, String> everyInterface = Map.of("server.address", "0.0.0.0");
		assertThat(ListeningIssuer.issuer("https://writ.example.org", everyInterface::get).issuer())
			.contains("https://writ.example.org");
		assertThat(ListeningIssuer.issuer("https://writ.example.org", everyInterface::get).problem()).isEmpty();
		assertThat(ListeningIssuer.issuer(null, everyInterface::get).problem()).isPresent();
		assertThat(ListeningIssuer.issuer(null, Map.of("server.address", "127.0.0.1")::get).issuer())
			.contains("http://localhost:8080");
	}

	@Test
	void portMismatchWhenLoopbackIssuerNamesAnotherPortThenSaid() {
		Map<String, String> listening = Map.of("server.port", "18081");
		assertThat(ListeningIssuer.portMismatch("http://localhost:8080", listening::get)).get()
			.asString()
			.contains("names port 8080 on loopback, but Writ listens on 18081");
		assertThat(ListeningIssuer.portMismatch("http://127.0.0.1", listening::get)).get()
			.asString()
			.contains("names port 80");
		assertThat(ListeningIssuer.portMismatch("http://localhost:18081", listening::get)).isEmpty();
		assertThat(ListeningIssuer.portMismatch("https://writ.example.org", listening::get)).isEmpty();
		assertThat(ListeningIssuer.portMismatch("http://localhost:8080", Map.of("server.port", "0")::get)).isEmpty();
		assertThat(ListeningIssuer.portMismatch("http://localhost:8080", Map.<String, String>of()::get))
			.isEqualTo(Optional.empty());
	}

}

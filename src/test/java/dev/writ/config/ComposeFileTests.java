package dev.writ.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This machine cannot run {@code docker-compose.yml}; these checks keep it honest without
 * Docker: Writ would start on its environment, and the services agree on the issuer and
 * the audience the shipped policies grant.
 */
class ComposeFileTests {

	@SuppressWarnings("unchecked")
	static Map<String, Object> service(String name) throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
		return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
	}

	@SuppressWarnings("unchecked")
	static Map<String, String> environment(String name) throws IOException {
		Map<String, String> environment = new LinkedHashMap<>();
		((Map<String, Object>) service(name).get("environment"))
			.forEach((key, value) -> environment.put(key, String.valueOf(value)));
		return environment;
	}

	@SuppressWarnings("unchecked")
	static List<String> volumes(String name) throws IOException {
		return ((List<Object>) service(name).get("volumes")).stream().map(String::valueOf).toList();
	}

	@Test
	void writEnvironmentHoldsOnlyWritSettingsAndMayServeTheDemoNetwork() throws IOException {
		for (String writ : List.of("writ", "writ-2")) {
			Map<String, String> variables = environment(writ);
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
			environment.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								new LinkedHashMap<>(variables)));

			assertThat(UnknownSettings.problems(environment)).as(writ).isEmpty();
			boolean allowPlainHttp = Boolean.parseBoolean(variables.get("WRIT_ALLOWPLAINHTTP"));
			assertThat(WritSettingsCheck.transportProblem(environment, allowPlainHttp)).as(writ).isEmpty();
			assertThat(WritSettingsCheck.issuerProblem(variables.get("WRIT_ISSUER"), allowPlainHttp)).as(writ)
				.isEmpty();
		}
	}

	@Test
	void servicesAgreeOnTheIssuerAndTheGrantedAudience() throws IOException {
		String issuer = environment("writ").get("WRIT_ISSUER");
		String grants = Files.readString(Path.of("policies/grants.yaml"));
		String audience = environment("payments").get("PAYMENTS_AUDIENCE");

		assertThat(environment("payments")).containsEntry("WRIT_ISSUER", issuer)
			.containsEntry("WRIT_JWKS_URI", issuer + "/oauth2/jwks");
		assertThat(String.valueOf(service("identity").get("command"))).contains("--audience " + issuer + " ");
		assertThat(environment("checkout")).containsEntry("TOKEN_URL", issuer + "/oauth2/token")
			.containsEntry("PAYMENTS_AUDIENCE", audience);
		assertThat(grants).contains("audience: " + audience);
	}

	@Test
	void paymentsIntrospectsWithAnIdentityOfItsOwnThatTheShippedGrantNames() throws IOException {
		String issuer = environment("writ").get("WRIT_ISSUER");
		String grants = Files.readString(Path.of("policies/grants.yaml"));
		String identity = String.valueOf(service("identity").get("command"));

		// payments reads its own JWT-SVID from a volume checkout does not mount, minted
		// for Writ's issuer ($$: compose's
		// escape of the shell's $)...
		assertThat(environment("payments")).containsEntry("PAYMENTS_IDENTITY_TOKEN_FILE", "/run/identity/token");
		assertThat(volumes("payments")).contains("payments-identity:/run/identity:ro");
		assertThat(volumes("checkout")).noneMatch((volume) -> volume.startsWith("payments-identity:"));
		assertThat(volumes("identity")).contains("payments-identity:/run/payments");
		assertThat(identity).contains("mint payments",
				"spiffe://demo.writ.local/ns/demo/sa/$$1 --audience " + issuer + " ");
		// ...and the shipped grant lets that identity, and only it, ask Writ's
		// introspection.
		assertThat(grants).containsSubsequence("id: demo-payments-introspects",
				"subject: spiffe://demo.writ.local/ns/demo/sa/payments", "audience: " + issuer,
				"scopes: [writ:introspect]");
	}

}

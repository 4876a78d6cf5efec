package dev.writ.spring.resourceserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot service with the starter and two properties, called with tokens of a real
 * Writ.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		classes = ResourceServerStarterTests.PaymentsService.class)
class ResourceServerStarterTests {

	static final String CHECKOUT = "spiffe://demo.writ.local/ns/shop/sa/checkout";

	static final WritTestServer WRIT = WritTestServer.builder().policies("site.yaml", """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			grants:
			  - id: checkout-pays
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:read, payments:charge]
			  - id: checkout-ships
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://shipping.example.org
			    scopes: [shipping:create]
			""").start();

	@DynamicPropertySource
	static void writ(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", WRIT::issuer);
		registry.add("writ.resource-server.audience", () -> "https://payments.example.org");
	}

	@AfterAll
	static void stopWrit() {
		WRIT.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JwtDecoder decoder;

	@SpringBootApplication
	static class PaymentsService {

		@Bean
		SecurityFilterChain api(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((authorize) -> authorize.anyRequest().hasAuthority("SCOPE_payments:read"))
				.oauth2ResourceServer((resource) -> resource.jwt((jwt) -> {
				}))
				.build();
		}

		@RestController
		static class Payments {

			@GetMapping("/payments")
			Map<String, Object> list(WritToken token) {
				return Map.of("caller", token.subject(), "grant", String.valueOf(token.grant()), "digest",
						String.valueOf(token.policyDigest()), "charge", token.hasScope("payments:charge"));
			}

		}

	}

	private HttpResponse<String> call(String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/payments"));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void writTokenForThisServiceThenItsCallerGrantAndPolicyVersion() throws Exception {
		String token = WRIT.exchange(WRIT.svid(CHECKOUT), "https://payments.example.org",
				"payments:read payments:charge");
		HttpResponse<String> answer = call(token);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).contains("\"caller\":\"" + CHECKOUT + "\"")
			.contains("\"grant\":\"checkout-pays\"")
			.contains("\"charge\":true")
			.containsPattern("\"digest\":\"[0-9a-f]{64}\"");
	}

	@Test
	void tokenForAnotherServiceAJwtSvidOrNoTokenThenRefused() throws Exception {
		String svid = WRIT.svid(CHECKOUT);
		assertThat(call(WRIT.exchange(svid, "https://shipping.example.org", "shipping:create")).statusCode())
			.as("another service's token")
			.isEqualTo(401);
		assertThat(call(svid).statusCode()).as("the workload's own JWT-SVID: typ JWT, another issuer").isEqualTo(401);
		assertThat(call(null).statusCode()).isEqualTo(401);
	}

	@Test
	void tokenWithoutTheScopeThenForbidden() throws Exception {
		String token = WRIT.exchange(WRIT.svid(CHECKOUT), "https://payments.example.org", "payments:charge");
		assertThat(call(token).statusCode()).isEqualTo(403);
	}

	@Test
	void writsDecoderThenTheOneInTheContext() {
		assertThat(this.decoder).isInstanceOf(org.springframework.security.oauth2.jwt.NimbusJwtDecoder.class);
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WritResourceServerAutoConfiguration.class));

	@Test
	void audienceWithoutIssuerOrAnUnknownAlgorithmThenRefusedNamingEach() {
		this.runner
			.withPropertyValues("writ.resource-server.audience=https://payments.example.org",
					"writ.resource-server.algorithms=ES256,none")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("writ.issuer")
				.hasMessageContaining("'none' is not a JWS signature algorithm"));
	}

	@Test
	void plainHttpIssuerBeyondLoopbackThenRefusedUnlessAllowedOutright() {
		this.runner
			.withPropertyValues("writ.issuer=http://writ.example.org",
					"writ.resource-server.audience=https://payments.example.org")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("writ.issuer: 'http://writ.example.org' is not https")
				.hasMessageContaining(
						"writ.resource-server.jwks-uri: 'http://writ.example.org/oauth2/jwks' is not https"));
		this.runner
			.withPropertyValues("writ.issuer=http://writ.example.org",
					"writ.resource-server.audience=https://payments.example.org",
					"writ.resource-server.allow-plain-http=true")
			.run((context) -> assertThat(context).hasSingleBean(JwtDecoder.class));
	}

	@Test
	void scopeAsAListThenWritTokenReadsItAsSpringsAuthoritiesDo() {
		org.springframework.security.oauth2.jwt.Jwt jwt = org.springframework.security.oauth2.jwt.Jwt
			.withTokenValue("t")
			.header("alg", "ES256")
			.subject(CHECKOUT)
			.claim("scope", java.util.List.of("payments:read", "payments:charge"))
			.build();
		assertThat(WritToken.of(jwt).scopes()).containsExactlyInAnyOrder("payments:read", "payments:charge");
	}

	@Test
	void noAudienceThenNoDecoderOfWrits() {
		this.runner.withPropertyValues("writ.issuer=https://writ.example.org")
			.run((context) -> assertThat(context).doesNotHaveBean(JwtDecoder.class));
	}

}

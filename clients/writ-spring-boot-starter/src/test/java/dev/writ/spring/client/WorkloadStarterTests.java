package dev.writ.spring.client;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;
import dev.writ.client.WritClientException;
import dev.writ.spring.resourceserver.WritToken;
import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A workload with the starter calls a resource server with Writ's resource-server
 * starter, both Spring Boot applications, through a real Writ: through RestClient,
 * RestTemplate and WebClient, as the starter wires them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, classes = WorkloadStarterTests.Workload.class)
class WorkloadStarterTests {

	static final String CHECKOUT = "spiffe://demo.writ.local/ns/shop/sa/checkout";

	static WritTestServer writ;

	static ConfigurableApplicationContext payments;

	static HttpServer elsewhere;

	/**
	 * A target whose every answer is a redirect to {@link #elsewhere}: an open redirect.
	 */
	static HttpServer redirecting;

	static final Map<String, String> seenElsewhere = new ConcurrentHashMap<>();

	static Path identity;

	@BeforeAll
	static void start() throws Exception {
		writ = WritTestServer.builder().policies("site.yaml", """
				spiffe:
				  - trust_domain: demo.writ.local
				    demo: true
				grants:
				  - id: checkout-reads-payments
				    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
				    audience: https://payments.example.org
				    scopes: [payments:read]
				""").start();
		identity = writ.identityFile(CHECKOUT, Duration.ofHours(1));
		payments = new SpringApplicationBuilder(Payments.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "writ.issuer=" + writ.issuer(),
					"writ.resource-server.audience=https://payments.example.org")
			.run();
		elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		elsewhere.createContext("/", (exchange) -> {
			seenElsewhere.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
			byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		elsewhere.start();
		redirecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		redirecting.createContext("/", (exchange) -> {
			exchange.getResponseHeaders()
				.add("Location", "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/collect");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
		});
		redirecting.start();
	}

	@AfterAll
	static void stop() {
		redirecting.stop(0);
		elsewhere.stop(0);
		payments.close();
		writ.close();
	}

	static String paymentsUrl() {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) payments).getWebServer().getPort();
	}

	@DynamicPropertySource
	static void workload(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", writ::issuer);
		registry.add("writ.client.identity-file", identity::toString);
		registry.add("writ.client.targets.payments.audience", () -> "https://payments.example.org");
		registry.add("writ.client.targets.payments.scopes", () -> "payments:read");
		registry.add("writ.client.targets.payments.base-urls", () -> paymentsUrl() + "/payments");
		registry.add("writ.client.targets.ledger.audience", () -> "https://ledger.example.org");
		registry.add("writ.client.targets.ledger.base-urls", () -> paymentsUrl() + "/ledger");
		registry.add("writ.client.targets.redirecting.audience", () -> "https://payments.example.org");
		registry.add("writ.client.targets.redirecting.scopes", () -> "payments:read");
		registry.add("writ.client.targets.redirecting.base-urls",
				() -> "http://127.0.0.1:" + redirecting.getAddress().getPort());
	}

	/** The workload: Spring Boot's auto-configuration, no component scan. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Workload {

	}

	/** The resource server the workload calls. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Payments.Api.class)
	static class Payments {

		@Bean
		SecurityFilterChain api(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((authorize) -> authorize.anyRequest().hasAuthority("SCOPE_payments:read"))
				.oauth2ResourceServer((resource) -> resource.jwt((jwt) -> {
				}))
				.build();
		}

		@RestController
		static class Api {

			@GetMapping("/payments")
			Map<String, Object> list(WritToken token) {
				return Map.of("caller", token.subject(), "grant", String.valueOf(token.grant()));
			}

		}

	}

	static final ParameterizedTypeReference<Map<String, Object>> PAYMENTS = new ParameterizedTypeReference<>() {
	};

	@Autowired
	RestClient.Builder restClient;

	@Autowired
	RestTemplateBuilder restTemplate;

	@Autowired
	WebClient.Builder webClient;

	@Test
	void restClientThenTheResourceServerSeesTheWorkloadWritVouchedFor() {
		Map<String, Object> answer = this.restClient.build()
			.get()
			.uri(paymentsUrl() + "/payments")
			.retrieve()
			.body(PAYMENTS);
		assertThat(answer).containsEntry("caller", CHECKOUT).containsEntry("grant", "checkout-reads-payments");
	}

	@Test
	void restTemplateThenTheSame() {
		Map<String, Object> answer = this.restTemplate.build()
			.exchange(paymentsUrl() + "/payments", org.springframework.http.HttpMethod.GET, null, PAYMENTS)
			.getBody();
		assertThat(answer).containsEntry("caller", CHECKOUT);
	}

	@Test
	void webClientThenTheSame() {
		Map<String, Object> answer = this.webClient.build()
			.get()
			.uri(paymentsUrl() + "/payments")
			.retrieve()
			.bodyToMono(PAYMENTS)
			.block(Duration.ofSeconds(30));
		assertThat(answer).containsEntry("caller", CHECKOUT);
	}

	@Test
	void callToAnUrlNoTargetNamesThenNoToken() {
		this.restClient.build()
			.get()
			.uri("http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/payments")
			.retrieve()
			.toBodilessEntity();
		assertThat(seenElsewhere).containsEntry("authorization", "null");
	}

	@Test
	void targetThatRedirectsElsewhereThenTheRedirectIsNotFollowedByAnyClientAndTheTokenStaysHome() {
		String target = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/payments";
		seenElsewhere.clear();
		assertThat(this.restClient.build().get().uri(target).retrieve().toBodilessEntity().getStatusCode().value())
			.isEqualTo(302);
		org.springframework.web.client.RestTemplate template = this.restTemplate.build();
		System.out.println("DEBUG factory " + template.getRequestFactory() + " settings "
				+ this.restTemplate.requestFactoryBuilder());
		assertThat(template.getForEntity(target, String.class).getStatusCode().value()).isEqualTo(302);
		assertThat(this.webClient.build()
			.get()
			.uri(target)
			.exchangeToMono((response) -> reactor.core.publisher.Mono.just(response.statusCode().value()))
			.block(Duration.ofSeconds(30))).isEqualTo(302);
		assertThat(seenElsewhere).as("what the host a redirect pointed at received").isEmpty();
	}

	@Test
	void redirectsAskedToBeFollowedThenRefusedAtStart() {
		this.runner
			.withPropertyValues("writ.issuer=https://writ.example.org", "writ.client.identity-file=/t",
					"writ.client.targets.payments.audience=https://payments.example.org",
					"writ.client.targets.payments.base-urls=https://payments.internal/",
					"spring.http.clients.redirects=follow")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("spring.http.clients.redirects=follow would carry a target's token"));
	}

	@Test
	void targetWritRefusesThenWritsErrorAndTheCallIsNotSent() {
		assertThatThrownBy(() -> this.restClient.build()
			.get()
			.uri(paymentsUrl() + "/ledger/entries")
			.retrieve()
			.toBodilessEntity()).isInstanceOfSatisfying(WritClientException.class,
					(ex) -> assertThat(ex.error()).isEqualTo("invalid_target"));
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WritClientAutoConfiguration.class));

	@Test
	void plainHttpToAnotherHostOrTwoIdentitySourcesThenRefusedNamingEach() {
		this.runner
			.withPropertyValues("writ.issuer=https://writ.example.org", "writ.client.identity-file=/t",
					"writ.client.identity-env=WRIT_ID",
					"writ.client.targets.payments.audience=https://payments.example.org",
					"writ.client.targets.payments.base-urls=http://payments.internal:8080/")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("name one identity source"));
		this.runner
			.withPropertyValues("writ.issuer=https://writ.example.org", "writ.client.identity-file=/t",
					"writ.client.targets.payments.audience=https://payments.example.org",
					"writ.client.targets.payments.base-urls=http://payments.internal:8080/",
					"writ.client.targets.ledger.base-urls=https://ledger.internal/")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(
						"writ.client.targets.payments.base-urls: 'http://payments.internal:8080/' would send"
								+ " the token in the clear")
				.hasMessageContaining("writ.client.targets.ledger.audience"));
	}

	@Test
	void noTargetsThenNothingOfWrits() {
		this.runner.withPropertyValues("writ.issuer=https://writ.example.org")
			.run((context) -> assertThat(context).doesNotHaveBean(WritAuthorization.class));
	}

}

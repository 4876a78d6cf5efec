package org.example.payments;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The other end: checkout as a Spring Boot workload with Writ's workload starter, calling this payments service
 * through a plain {@link RestClient} that the starter equips. No exchange is written here: properties name Writ,
 * checkout's identity file and the payments target.
 */
@SpringBootTest(classes = PaymentsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "writ.resource-server.audience=https://payments.example.org")
class CheckoutWithWritStarterTests {

	static final WritProcess WRIT = WritProcess.shared();

	@LocalServerPort
	int port;

	ConfigurableApplicationContext checkout;

	@DynamicPropertySource
	static void writ(DynamicPropertyRegistry registry) {
		WRIT.configure(registry, WritProcess.PAYMENTS_SERVICE);
	}

	/**
	 * Checkout: Spring Boot's auto-configuration and nothing of its own (no {@code @Configuration}, so the payments
	 * application's component scan leaves it alone).
	 */
	@EnableAutoConfiguration
	static class Checkout {

	}

	@BeforeEach
	void startCheckout() {
		// Checkout's own settings, not the payments application.yaml on this class path.
		this.checkout = new SpringApplicationBuilder(Checkout.class).web(WebApplicationType.NONE)
			.run("--spring.config.name=checkout", "--writ.issuer=" + WRIT.issuer(),
					"--writ.client.identity-file=" + WRIT.identityFile(WritProcess.CHECKOUT),
					"--writ.client.targets.payments.audience=https://payments.example.org",
					"--writ.client.targets.payments.scopes=payments:read,payments:charge",
					"--writ.client.targets.payments.base-urls=http://127.0.0.1:" + this.port + "/payments",
					"--server.port=0");
	}

	@AfterEach
	void stopCheckout() {
		this.checkout.close();
	}

	@Test
	void restClientOfTheStarterThenPaymentsServesCheckoutByItsWritToken() {
		RestClient payments = this.checkout.getBean(RestClient.Builder.class)
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();

		Map<String, Object> list = payments.get().uri("/payments").retrieve().body(new ParameterizedTypeReference<>() {
		});
		Map<String, Object> charge = payments.post()
			.uri("/payments/charges")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});

		assertThat(list).containsEntry("caller", WritProcess.CHECKOUT);
		assertThat(charge).containsEntry("charged", true).containsEntry("grant", "checkout-pays");
	}

}

package org.example.payments;

import java.net.http.HttpResponse;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payments service, as configured in {@code SecurityConfiguration}, against a real Writ: a workload exchanges
 * its JWT-SVID and calls the service with the access token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "writ.resource-server.audience=https://payments.example.org")
class WritTokensTests {

	static final WritProcess WRIT = WritProcess.shared();

	static final String PAYMENTS = "https://payments.example.org";

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void writ(DynamicPropertyRegistry registry) {
		WRIT.configure(registry, WritProcess.PAYMENTS_SERVICE);
	}

	@Test
	void tokenForThisServiceThenServedWithinItsScopes() throws Exception {
		String readOnly = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");

		HttpResponse<String> list = call("GET", "/payments", readOnly);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains(WritProcess.CHECKOUT);
		assertThat(call("POST", "/payments/charges", readOnly).statusCode()).isEqualTo(403); // scope payments:charge missing

		String charge = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:charge");
		assertThat(call("POST", "/payments/charges", charge).body()).contains("\"grant\":\"checkout-pays\"");
	}

	@Test
	void delegatedTokenThenTheCallerAndWhoActsForIt() throws Exception {
		String delegated = WRIT.exchangeActing(WRIT.svid(WritProcess.CHECKOUT), WRIT.svid(WritProcess.GATEWAY), PAYMENTS,
				"payments:read");

		HttpResponse<String> list = call("GET", "/payments", delegated);

		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"caller\":\"" + WritProcess.CHECKOUT + "\"")
			.contains("\"acting\":[\"" + WritProcess.GATEWAY + "\"]");
		String direct = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");
		assertThat(call("GET", "/payments", direct).body()).contains("\"acting\":[]");
	}

	@Test
	void tokensThatAreNotWritAccessTokensForThisServiceThenRefused() throws Exception {
		String shipping = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), "https://shipping.example.org", "shipping:create");
		String svid = WRIT.svid(WritProcess.CHECKOUT); // the workload's own identity token: typ JWT, another issuer
		String valid = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");
		String[] parts = valid.split("\\.");
		String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];

		assertThat(call("GET", "/payments", shipping).statusCode()).as("another service's token").isEqualTo(401);
		assertThat(call("GET", "/payments", svid).statusCode()).as("a JWT-SVID").isEqualTo(401);
		assertThat(call("GET", "/payments", tampered).statusCode()).as("a tampered token").isEqualTo(401);
		assertThat(call("GET", "/payments", null).statusCode()).as("no token").isEqualTo(401);
	}

	@Test
	void rotationThenTokensSignedBeforeDuringAndAfterAllAccepted() throws Exception {
		String before = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");
		String oldKid = kid(before);
		assertThat(call("GET", "/payments", before).statusCode()).isEqualTo(200); // the service has fetched the JWKS

		long rotated = System.nanoTime();
		WRIT.rotateKeys();
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (WRIT.publishedKids().size() < 2 && System.nanoTime() < deadline) {
			WritProcess.sleep(100);
		}
		List<String> published = WRIT.publishedKids();
		assertThat(published).hasSize(2).contains(oldKid);
		String newKid = published.stream().filter((k) -> !k.equals(oldKid)).findFirst().orElseThrow();

		// During: the next key is published, the old one still signs.
		String during = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");
		assertThat(kid(during)).as("signed %d ms after the rotation began",
				(System.nanoTime() - rotated) / 1_000_000)
			.isEqualTo(oldKid);

		// After the publish-ahead time the new key signs; the old one stays published for the old tokens.
		String after = during;
		deadline = System.nanoTime() + 45_000_000_000L;
		while (kid(after).equals(oldKid) && System.nanoTime() < deadline) {
			WritProcess.sleep(250);
			after = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");
		}
		assertThat(kid(after)).isEqualTo(newKid);
		assertThat(WRIT.publishedKids()).contains(oldKid, newKid);

		for (String token : List.of(before, during, after)) {
			assertThat(call("GET", "/payments", token).statusCode()).as("token signed by " + kid(token)).isEqualTo(200);
		}
	}

	private HttpResponse<String> call(String method, String path, String token) throws Exception {
		return Payments.call(this.port, method, path, token);
	}

	private static String kid(String token) throws java.text.ParseException {
		return SignedJWT.parse(token).getHeader().getKeyID();
	}

}

package org.example.payments;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Charges, the high-value call, ask Writ's introspection after the offline checks: a revoked token stops there at
 * once, while the offline-checked endpoint accepts it until it expires. And when Writ cannot confirm a token, the
 * charge is refused, not served.
 */
class HighValueCallsTests {

	static final WritProcess WRIT = WritProcess.shared();

	static final String PAYMENTS = "https://payments.example.org";

	static HttpResponse<String> call(int port, String method, String path, String token) throws Exception {
		return Payments.call(port, method, path, token);
	}

	static String readAndCharge() {
		return WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read payments:charge");
	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class WhenThisServiceMayIntrospect {

		@LocalServerPort
		int port;

		@DynamicPropertySource
		static void writ(DynamicPropertyRegistry registry) {
			WRIT.configure(registry, WritProcess.PAYMENTS_SERVICE);
		}

		@Test
		void revokedTokenThenChargesRefuseItAtOnceWhileOfflineCallsStillAcceptIt() throws Exception {
			String token = readAndCharge();
			assertThat(call(this.port, "POST", "/payments/charges", token).statusCode()).isEqualTo(200);

			WRIT.revoke(token);

			HttpResponse<String> charge = call(this.port, "POST", "/payments/charges", token);
			assertThat(charge.statusCode()).isEqualTo(401);
			assertThat(charge.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
					(challenge) -> assertThat(challenge).contains("error=\"invalid_token\"", "no longer active"));
			// The limit docs/exchange-api.md states: offline validation cannot see the revocation.
			assertThat(call(this.port, "GET", "/payments", token).statusCode()).isEqualTo(200);
		}

		@Test
		void otherTokensStillChargeAfterOneIsRevoked() throws Exception {
			String revoked = readAndCharge();
			String kept = readAndCharge();
			WRIT.revoke(revoked);

			assertThat(call(this.port, "POST", "/payments/charges", kept).statusCode()).isEqualTo(200);
			assertThat(call(this.port, "POST", "/payments/charges", revoked).statusCode()).isEqualTo(401);
		}

		@Test
		void introspectionTokenOfThisServiceRevokedThenItExchangesAgainAndCharges() throws Exception {
			assertThat(call(this.port, "POST", "/payments/charges", readAndCharge()).statusCode()).isEqualTo(200);

			WRIT.revokeSubject(WritProcess.PAYMENTS_SERVICE); // the token payments keeps for introspection, too
			WritProcess.sleep(1100); // a token issued in the second of the revocation would be revoked with it

			assertThat(call(this.port, "POST", "/payments/charges", readAndCharge()).statusCode()).isEqualTo(200);
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class WhenWritCannotConfirm {

		static Path identity;

		@LocalServerPort
		int port;

		@DynamicPropertySource
		static void writ(DynamicPropertyRegistry registry) {
			identity = WRIT.configure(registry, WritProcess.STRANGER); // no grant for Writ's introspection
		}

		@Test
		void exchangeOfThisServiceRefusedThenCharges503AndReadsServed() throws Exception {
			String token = readAndCharge();

			HttpResponse<String> charge = call(this.port, "POST", "/payments/charges", token);
			assertThat(charge.statusCode()).isEqualTo(503);
			assertThat(charge.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(charge.body()).contains("cannot confirm that the token is still active");
			assertThat(call(this.port, "GET", "/payments", token).statusCode()).isEqualTo(200);
		}

		@Test
		void tokenRefusedOfflineOrWithoutTheScopeThenRefusedAsSuchWithoutAskingWrit() throws Exception {
			String shipping = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), "https://shipping.example.org",
					"shipping:create");
			String readOnly = WRIT.exchange(WRIT.svid(WritProcess.CHECKOUT), PAYMENTS, "payments:read");

			// Writ cannot confirm anything here: had it been asked, these would be 503.
			assertThat(call(this.port, "POST", "/payments/charges", shipping).statusCode()).as("another service's token")
				.isEqualTo(401);
			assertThat(call(this.port, "POST", "/payments/charges", null).statusCode()).as("no token").isEqualTo(401);
			assertThat(call(this.port, "POST", "/payments/charges", readOnly).statusCode()).as("scope payments:charge missing")
				.isEqualTo(403);
		}

		@Test
		void identityTokenFileMissingThenCharges503() throws Exception {
			String token = readAndCharge();
			Path moved = identity.resolveSibling(identity.getFileName() + ".away");
			Files.move(identity, moved);
			try {
				assertThat(call(this.port, "POST", "/payments/charges", token).statusCode()).isEqualTo(503);
			}
			finally {
				Files.move(moved, identity);
			}
		}

	}

}

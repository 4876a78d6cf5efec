/*
 * The checkout service of the compose demo: a workload that called the payments service with a static API key, and
 * now shows the identity it already has to Writ and calls payments with a short-lived access token instead.
 *
 * Run it (JDK 21 or later, no build), with Writ's client on the class path (writ-agent.jar carries it):
 *   java -cp writ-agent.jar Checkout.java
 * Settings come from the environment:
 *   IDENTITY_TOKEN_FILE  the workload's identity token, kept fresh by whoever issues it: spiffe-helper writing a
 *                        JWT-SVID, a Kubernetes projected service-account token, a CI job's OIDC token
 *   TOKEN_URL            Writ's token endpoint, e.g. http://writ:8080/oauth2/token
 *   PAYMENTS_URL         the payments service, e.g. http://payments:8081
 *   PAYMENTS_AUDIENCE    the audience Writ's grant names for payments
 *   WRIT_ALLOW_PLAIN_HTTP true lets the client talk plain http to a Writ that is not on this machine: the compose
 *                        demo's network only, never production
 *   INTERVAL             seconds between two calls to payments (default 10); ONCE=true makes one round and exits
 *
 * Writ's client (dev.writ.client) exchanges the identity token, holds the access token and refreshes it ahead of
 * expiry, one exchange however many threads ask; a refusal is a WritClientException with Writ's error.
 */

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.writ.client.AccessToken;
import dev.writ.client.IdentitySource;
import dev.writ.client.WritClient;
import dev.writ.client.WritClientException;

public class Checkout {

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	public static void main(String[] args) throws Exception {
		String payments = env("PAYMENTS_URL", "http://payments:8081");
		String audience = env("PAYMENTS_AUDIENCE", "https://payments.demo.writ.local");
		long interval = Long.parseLong(env("INTERVAL", "10"));
		boolean once = Boolean.parseBoolean(env("ONCE", "false"));
		WritClient writ = WritClient.builder()
			.tokenEndpoint(URI.create(env("TOKEN_URL", "http://writ:8080/oauth2/token")))
			.identity(IdentitySource.file(Path.of(env("IDENTITY_TOKEN_FILE", "/run/identity/token"))))
			.allowPlainHttp(Boolean.parseBoolean(env("WRIT_ALLOW_PLAIN_HTTP", "false")))
			.build();
		int failures = 0;
		while (true) {
			try {
				// Before Writ: .header("Authorization", "Bearer " + System.getenv("PAYMENTS_API_KEY"))
				AccessToken token = writ.token(audience, "payments:charge");
				HttpResponse<String> charge = http.send(HttpRequest.newBuilder(URI.create(payments + "/payments/charges"))
					.header("Authorization", token.authorization())
					.POST(HttpRequest.BodyPublishers.noBody())
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
				System.out.println("checkout: POST /payments/charges -> " + charge.statusCode() + " " + charge.body()
						+ " (" + token + ")");
				failures = (charge.statusCode() == 200) ? 0 : failures + 1;
			}
			catch (IOException | WritClientException ex) {
				// Writ's error and description, or why Writ or payments could not be reached; never a token.
				failures++;
				System.out.println("checkout: " + ex.getMessage() + "; retrying");
			}
			if (once) {
				writ.close();
				System.exit((failures == 0) ? 0 : 1);
			}
			Thread.sleep(Duration.ofSeconds(Math.min(interval * (1L << Math.min(failures, 3)), 60)));
		}
	}

	static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

}

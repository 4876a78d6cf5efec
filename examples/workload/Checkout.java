/*
 * The checkout service of the compose demo: a workload that called the payments service with a static API key, and
 * now shows the identity it already has to Writ and calls payments with a short-lived access token instead.
 *
 * Run it (JDK 21 or later, no build): java Checkout.java. Settings come from the environment:
 *   IDENTITY_TOKEN_FILE  the workload's identity token, kept fresh by whoever issues it: spiffe-helper writing a
 *                        JWT-SVID, a Kubernetes projected service-account token, a CI job's OIDC token
 *   TOKEN_URL            Writ's token endpoint, e.g. http://writ:8080/oauth2/token
 *   PAYMENTS_URL         the payments service, e.g. http://payments:8081
 *   PAYMENTS_AUDIENCE    the audience Writ's grant names for payments
 *   INTERVAL             seconds between two calls to payments (default 10); ONCE=true makes one round and exits
 *
 * Nothing here is a Writ library: one form POST (RFC 8693) and a bearer header. The access token is cached and
 * exchanged again a minute before it expires, so a busy workload asks Writ once per token lifetime, not per call.
 */

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Checkout {

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static String accessToken;

	static Instant refreshAt = Instant.MIN;

	public static void main(String[] args) throws Exception {
		Path identity = Path.of(env("IDENTITY_TOKEN_FILE", "/run/identity/token"));
		String tokenUrl = env("TOKEN_URL", "http://writ:8080/oauth2/token");
		String payments = env("PAYMENTS_URL", "http://payments:8081");
		String audience = env("PAYMENTS_AUDIENCE", "https://payments.demo.writ.local");
		long interval = Long.parseLong(env("INTERVAL", "10"));
		boolean once = Boolean.parseBoolean(env("ONCE", "false"));
		int failures = 0;
		while (true) {
			try {
				// Before Writ: .header("Authorization", "Bearer " + System.getenv("PAYMENTS_API_KEY"))
				String token = accessToken(identity, tokenUrl, audience);
				HttpResponse<String> charge = http.send(HttpRequest.newBuilder(URI.create(payments + "/payments/charges"))
					.header("Authorization", "Bearer " + token)
					.POST(HttpRequest.BodyPublishers.noBody())
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
				System.out.println("checkout: POST /payments/charges -> " + charge.statusCode() + " " + charge.body());
				failures = (charge.statusCode() == 200) ? 0 : failures + 1;
			}
			catch (IOException | IllegalStateException ex) {
				failures++;
				System.out.println("checkout: " + ex.getMessage() + "; retrying");
			}
			if (once) {
				System.exit((failures == 0) ? 0 : 1);
			}
			Thread.sleep(Duration.ofSeconds(Math.min(interval * (1L << Math.min(failures, 3)), 60)));
		}
	}

	/** The cached access token, or a new one from Writ when it is a minute from expiry. */
	static String accessToken(Path identity, String tokenUrl, String audience) throws IOException, InterruptedException {
		if (accessToken != null && Instant.now().isBefore(refreshAt)) {
			return accessToken;
		}
		if (!Files.exists(identity)) {
			throw new IllegalStateException("no identity token yet at " + identity);
		}
		String subjectToken = Files.readString(identity).strip();
		String form = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
				+ "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:jwt")
				+ "&subject_token=" + enc(subjectToken)
				+ "&audience=" + enc(audience)
				+ "&scope=" + enc("payments:charge");
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			// RFC 6749 §5.2: {"error": "...", "error_description": "..."}; never the token in a log.
			throw new IllegalStateException("Writ refused the exchange: " + response.statusCode() + " " + response.body());
		}
		accessToken = field(response.body(), "access_token");
		long expiresIn = Long.parseLong(field(response.body(), "expires_in"));
		refreshAt = Instant.now().plusSeconds(Math.max(expiresIn - 60, expiresIn / 2));
		System.out.println("checkout: exchanged its identity at Writ for a token to " + audience + ", scope "
				+ field(response.body(), "scope") + ", expires in " + expiresIn + "s");
		return accessToken;
	}

	// The response is flat JSON with string and number values: a regular expression reads it without a library.
	static String field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(json);
		if (!matcher.find()) {
			throw new IllegalStateException("Writ's response has no " + name);
		}
		return matcher.group(1);
	}

	static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

}

package dev.writ.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.request.TokenTypes;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Error responses over real HTTP on a random port. Whatever goes wrong — a body Tomcat
 * cannot read, the wrong method, malformed JSON, a path that is not Writ's — the answer
 * is RFC 6749 §5.2 JSON with its status and {@code Cache-Control: no-store}: never an
 * empty body, a stack trace or Spring's own error page. Every refusal at the token
 * endpoint is audited exactly once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ErrorResponsesIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final String FORM = "application/x-www-form-urlencoded";

	static final String JSON = "application/json";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: admins
			    subject: spiffe://test.example.org/ns/ops/sa/admin
			    audience: http://localhost:8080
			    scopes: [writ:explain, writ:revoke, writ:introspect]
			  - id: viewers
			    subject: spiffe://test.example.org/ns/ops/sa/viewer
			    audience: http://localhost:8080
			    scopes: [writ:view]
			""");

	// A token-exchange request in every respect but its subject token, which no row gets
	// as far as verifying.
	static final String EXCHANGE = "grant_type=" + encode(TokenTypes.GRANT_TYPE) + "&subject_token_type="
			+ encode(TokenTypes.JWT) + "&subject_token=x";

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.admin.explain", () -> "true");
	}

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	static Stream<Arguments> tokenEndpointRefusals() {
		return Stream.of(
				call("a body over the form limit", "POST", FORM, EXCHANGE + "&pad=" + "x".repeat(70_000), null, 413,
						"invalid_request"),
				call("an undecodable value", "POST", FORM, EXCHANGE + "&audience=%zz", null, 400, "invalid_request"),
				call("an undecodable first parameter", "POST", FORM, "%zz=x&" + EXCHANGE, null, 400, "invalid_request"),
				call("GET", "GET", null, null, null, 405, "invalid_request"),
				call("GET with the parameters in the query", "GET", null, null, null, 405, "invalid_request"),
				call("PUT", "PUT", FORM, EXCHANGE, null, 405, "invalid_request"),
				call("PUT with an undecodable body", "PUT", FORM, "a=%zz", null, 405, "invalid_request"),
				call("DELETE", "DELETE", null, null, null, 405, "invalid_request"),
				call("no grant_type", "POST", FORM, "subject_token=x&subject_token_type=" + encode(TokenTypes.JWT),
						null, 400, "invalid_request"),
				call("grant_type twice", "POST", FORM, EXCHANGE + "&grant_type=" + encode(TokenTypes.GRANT_TYPE), null,
						400, "invalid_request"),
				call("an empty body", "POST", FORM, "", null, 400, "invalid_request"),
				call("a JSON body", "POST", JSON, "{\"grant_type\": \"" + TokenTypes.GRANT_TYPE + "\"}", null, 400,
						"invalid_request"),
				call("no content type", "POST", null, EXCHANGE, null, 400, "invalid_request"),
				call("an unsupported grant_type", "POST", FORM, "grant_type=urn%3Aexample%3Agrant", null, 400,
						"unsupported_grant_type"),
				call("client_credentials", "POST", FORM, "grant_type=client_credentials", null, 400,
						"unsupported_grant_type"),
				call("an authorization code", "POST", FORM, "grant_type=authorization_code&code=x", null, 400,
						"unsupported_grant_type"),
				call("a refresh token", "POST", FORM, "grant_type=refresh_token&refresh_token=x", null, 400,
						"unsupported_grant_type"),
				call("a client secret", "POST", FORM, EXCHANGE + "&client_id=someone&client_secret=guess", null, 401,
						"invalid_client"),
				call("a bearer token for client authentication", "POST", FORM, EXCHANGE, "Bearer x", 401,
						"invalid_client"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("tokenEndpointRefusals")
	void tokenWhenRefusedBeforeTheExchangeThenJsonErrorAndOneTransportAuditEvent(String name, String method,
			String contentType, String body, String authorization, int status, String error, CapturedOutput output)
			throws Exception {
		String path = name.contains("query") ? "/oauth2/token?" + EXCHANGE : "/oauth2/token";

		HttpResponse<String> response = send(method, path, contentType, body, authorization);

		assertOAuth2Error(response, status, error);
		if (status == 405) {
			// RFC 9110 §15.5.6: a 405 names the methods the resource allows; RFC 6749
			// §3.2: the token endpoint's is POST.
			assertThat(response.headers().allValues("Allow")).containsExactly("POST");
		}
		assertThat(auditLines(output)).singleElement()
			.asString()
			.contains("\"stage\":\"transport\"", "\"outcome\":\"denied\"", "\"error\":\"" + error + "\"")
			.doesNotContain("%zz");
	}

	static Stream<Arguments> clientCredentialAttempts() {
		String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("payments:s3cret".getBytes());
		return Stream.of(
				arguments("client_credentials with Basic", FORM, "grant_type=client_credentials&scope=read", basic, 400,
						"unsupported_grant_type",
						"Writ has no client credentials: Writ issues tokens only by token exchange"),
				arguments("client_credentials in the form", FORM,
						"grant_type=client_credentials&client_id=payments&client_secret=s3cret", null, 400,
						"unsupported_grant_type", "Writ has no client credentials"),
				arguments("an exchange with Basic", FORM, EXCHANGE, basic, 401, "invalid_client",
						"Writ has no client secrets and authenticates no client"),
				arguments("an exchange with a client secret", FORM,
						EXCHANGE + "&client_id=payments&client_secret=s3cret", null, 401, "invalid_client",
						"Writ has no client secrets"),
				arguments("a JSON body", JSON, "{\"grant_type\": \"client_credentials\"}", null, 400, "invalid_request",
						"the request body must be a form (application/x-www-form-urlencoded)"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("clientCredentialAttempts")
	void tokenWhenAClientTriesCredentialsThenWritsOwnWordsWithTheRfcCode(String name, String contentType, String body,
			String authorization, int status, String error, String description) throws Exception {
		HttpResponse<String> response = send("POST", "/oauth2/token", contentType, body, authorization);

		assertOAuth2Error(response, status, error);
		assertThat(JSONObjectUtils.parse(response.body()).get("error_description")).asString()
			.contains(description)
			.contains("subject_token")
			.doesNotContain("s3cret")
			.doesNotContain("Client authentication failed");
	}

	static Stream<Arguments> unknownPaths() {
		return Stream.of(arguments("GET", "/nope"), arguments("POST", "/nope"),
				arguments("GET", "/.well-known/openid-configuration"), arguments("GET", "/actuator"),
				arguments("GET", "/actuator/env"), arguments("GET", "/actuator/heapdump"),
				arguments("POST", "/actuator/shutdown"), arguments("GET", "/error"),
				arguments("GET", "/oauth2/authorize?response_type=code&client_id=x"),
				arguments("POST", "/oauth2/device_authorization"), arguments("POST", "/oauth2/par"),
				arguments("POST", "/oauth2/unused/introspect"), arguments("POST", "/logout"),
				arguments("POST", "/admin/nope"));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("unknownPaths")
	void pathWhenNotOneOfWritsThen404NotFoundAndNothingAudited(String method, String path, CapturedOutput output)
			throws Exception {
		HttpResponse<String> response = send(method, path, FORM, "client_id=x", null);

		assertOAuth2Error(response, 404, "not_found");
		assertThat(auditLines(output)).isEmpty();
	}

	@Test
	void pathWhenUnexposedActuatorEndpointThenSameAnswerAsAPathThatNeverWas() throws Exception {
		HttpResponse<String> actuator = send("GET", "/actuator/env", null, null, null);

		// A 404 says nothing about what lies behind it.
		assertOAuth2Error(actuator, 404, "not_found");
		assertThat(actuator.body()).isEqualTo(send("GET", "/nope", null, null, null).body());
	}

	static Stream<Arguments> malformedAdminRequests() {
		return Stream.of(arguments("/admin/explain", JSON, "{\"subject\": "),
				arguments("/admin/explain", JSON, "[\"spiffe://test.example.org/a\"]"),
				arguments("/admin/explain", "text/plain", "spiffe://test.example.org/a"),
				arguments("/admin/explain", null, "{\"subject\": \"spiffe://test.example.org/a\"}"),
				arguments("/admin/revocations", JSON, "{bad"),
				arguments("/admin/revocations", FORM, "subject=spiffe%3A%2F%2Ftest.example.org%2Fa"));
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("malformedAdminRequests")
	void adminWhenBodyMalformedOrNotJsonThen400InvalidRequest(String path, String contentType, String body)
			throws Exception {
		HttpResponse<String> response = send("POST", path, contentType, body, "Bearer " + token("/ns/ops/sa/admin"));

		assertOAuth2Error(response, 400, "invalid_request");
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("malformedAdminRequests")
	void adminWhenNoBearerThen401InvalidTokenWhateverTheBody(String path, String contentType, String body)
			throws Exception {
		HttpResponse<String> response = send("POST", path, contentType, body, null);
		HttpResponse<String> wellFormed = send("POST", path, JSON, "{\"subject\": \"spiffe://test.example.org/a\"}",
				null);

		assertOAuth2Error(response, 401, "invalid_token");
		// RFC 6750 §3.1: a request without a token gets the challenge, no error code in
		// it.
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
		// The body is never read before the caller is authenticated: it cannot change the
		// answer.
		assertThat(response.body()).isEqualTo(wellFormed.body());
	}

	@Test
	void adminWhenBearerIsNotAValidTokenThen401InvalidToken() throws Exception {
		HttpResponse<String> response = send("POST", "/admin/explain", JSON, "{}", "Bearer not-a-token");

		assertOAuth2Error(response, 401, "invalid_token");
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer error=\"invalid_token\"");
	}

	@Test
	void adminWhenTokenLacksTheScopeThen403InsufficientScope() throws Exception {
		HttpResponse<String> response = send("POST", "/admin/explain", JSON, "{}",
				"Bearer " + token("/ns/ops/sa/viewer"));

		assertOAuth2Error(response, 403, "insufficient_scope");
		assertThat(response.headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer error=\"insufficient_scope\"");
	}

	@Test
	void adminWhenWrongMethodThen405WithAllowPost() throws Exception {
		HttpResponse<String> response = send("GET", "/admin/explain", null, null,
				"Bearer " + token("/ns/ops/sa/admin"));

		assertOAuth2Error(response, 405, "invalid_request");
		assertThat(response.headers().allValues("Allow")).containsExactly("POST");
	}

	@Test
	void adminWhenAcceptNotJsonThenJsonErrorAllTheSame() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(base() + "/admin/explain"))
			.header("Content-Type", JSON)
			.header("Accept", "text/html")
			.header("Authorization", "Bearer " + token("/ns/ops/sa/admin"))
			.POST(HttpRequest.BodyPublishers.ofString("{\"subject\": \"spiffe://test.example.org/a\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertOAuth2Error(response, 406, "invalid_request");
	}

	static Stream<Arguments> unreadableForms() {
		return Stream.of(arguments("/oauth2/revoke", FORM, "token=%zz", 400),
				arguments("/oauth2/revoke", FORM, "token=" + "x".repeat(70_000), 413),
				arguments("/oauth2/revoke", JSON, "{\"token\": \"x\"}", 400),
				arguments("/oauth2/introspect", FORM, "token=%zz", 400),
				arguments("/oauth2/introspect", FORM, "token=" + "x".repeat(70_000), 413),
				arguments("/oauth2/introspect", JSON, "{\"token\": \"x\"}", 400));
	}

	@ParameterizedTest(name = "{0} {1} {3}")
	@MethodSource("unreadableForms")
	void tokenStatusWhenBodyUnreadableThenJsonInvalidRequest(String path, String contentType, String body, int status)
			throws Exception {
		HttpResponse<String> response = send("POST", path, contentType, body, "Bearer " + token("/ns/ops/sa/admin"));

		assertOAuth2Error(response, status, "invalid_request");
	}

	@Test
	void revokeWhenWrongMethodThen405WithAllowPost() throws Exception {
		HttpResponse<String> response = send("GET", "/oauth2/revoke", null, null, null);

		assertOAuth2Error(response, 405, "invalid_request");
		assertThat(response.headers().allValues("Allow")).containsExactly("POST");
	}

	private static void assertOAuth2Error(HttpResponse<String> response, int status, String error) throws Exception {
		String body = response.body();
		assertThat(response.statusCode()).as(body).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((value) -> assertThat(value).contains("no-store"));
		Map<String, Object> json = JSONObjectUtils.parse(body);
		// RFC 6749 §5.2's members and nothing else: not Spring's timestamp, status, path,
		// trace or message.
		assertThat(json).containsEntry("error", error).containsKey("error_description");
		assertThat(json.keySet()).isSubsetOf("error", "error_description", "error_uri");
		assertThat(body).doesNotContain("Exception", "org.apache", "springframework", "java.", "\tat ");
		// RFC 6749 §5.2: error_description uses %x20-21 / %x23-5B / %x5D-7E only.
		assertThat(((String) json.get("error_description")).chars())
			.allMatch((c) -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\');
	}

	private String token(String path) throws Exception {
		return (String) JSONObjectUtils
			.parse(TestExchanges.exchange(this.http, base(), SITE.authority().svid(path).sign(), ISSUER).body())
			.get("access_token");
	}

	private HttpResponse<String> send(String method, String path, String contentType, String body, String authorization)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static Arguments call(String name, String method, String contentType, String body, String authorization,
			int status, String error) {
		return arguments(name, method, contentType, body, authorization, status, error);
	}

	private static List<String> auditLines(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains("\"event\":\"token_exchange\"")).toList();
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}

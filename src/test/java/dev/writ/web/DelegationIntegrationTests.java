package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.testing.TestExchanges;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Chains over HTTP against a running Writ: A calls B, B calls C for A's request, C calls
 * D — the tokens keep A as their subject, nest their actors in order and never widen —
 * and every way a chain's exchange is refused, with its exact code.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "writ.delegation.max-depth=2")
class DelegationIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

	static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: a-calls-b
			    subject: spiffe://test.example.org/a
			    audience: https://b.example.org
			    scopes: [orders:read, orders:write]
			  - id: b-for-a
			    subject: spiffe://test.example.org/a
			    from_audience: https://b.example.org
			    actor: spiffe://test.example.org/b
			    audience: https://c.example.org
			    scopes: [orders:read, orders:write, orders:admin]
			  - id: c-for-a
			    subject: spiffe://test.example.org/a
			    from_audience: https://c.example.org
			    actor: spiffe://test.example.org/c
			    audience: https://d.example.org
			    scopes: [orders:read]
			  - id: d-for-a
			    subject: spiffe://test.example.org/a
			    from_audience: https://d.example.org
			    actor: spiffe://test.example.org/d
			    audience: https://e.example.org
			    scopes: [orders:read]
			  - id: payments-introspects
			    subject: spiffe://test.example.org/payments
			    audience: http://localhost:8080
			    scopes: [writ:introspect]
			""");

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	String svid(String path) {
		return SITE.authority().svid(path).claim("jti", UUID.randomUUID().toString()).sign();
	}

	HttpResponse<String> post(String path, @Nullable String bearer, Map<String, String> form) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(TestExchanges.body(form)));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static Map<String, String> form(String subjectToken, String subjectTokenType, @Nullable String actorToken,
			String audience) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token_type", subjectTokenType);
		form.put("subject_token", subjectToken);
		if (actorToken != null) {
			form.put("actor_token_type", JWT);
			form.put("actor_token", actorToken);
		}
		form.put("audience", audience);
		return form;
	}

	String token(Map<String, String> form) throws Exception {
		HttpResponse<String> answer = post("/oauth2/token", null, form);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return (String) JSONObjectUtils.parse(answer.body()).get("access_token");
	}

	String root() throws Exception {
		return token(form(svid("/a"), JWT, null, "https://b.example.org"));
	}

	Map<String, String> hop(String token, String actor, String audience) {
		return form(token, ACCESS_TOKEN, svid(actor), audience);
	}

	static Map<String, Object> claims(String token) throws Exception {
		return SignedJWT.parse(token).getJWTClaimsSet().toJSONObject();
	}

	Map<String, Object> introspect(String token) throws Exception {
		String payments = token(form(svid("/payments"), JWT, null, ISSUER));
		return JSONObjectUtils.parse(post("/oauth2/introspect", payments, Map.of("token", token)).body());
	}

	@Test
	void threeHopsThenTheSubjectStaysActorsNestInOrderAndScopesOnlyNarrow() throws Exception {
		String ab = root();
		String bc = token(hop(ab, "/b", "https://c.example.org"));
		String cd = token(hop(bc, "/c", "https://d.example.org"));

		assertThat(claims(ab)).containsEntry("sub", "spiffe://test.example.org/a")
			.containsEntry("scope", "orders:read orders:write")
			.doesNotContainKey("act");
		// b-for-a grants orders:admin too: the token it came from did not carry it.
		assertThat(claims(bc)).containsEntry("sub", "spiffe://test.example.org/a")
			.containsEntry("scope", "orders:read orders:write")
			.containsEntry("act", Map.of("sub", "spiffe://test.example.org/b"));
		assertThat(claims(cd)).containsEntry("sub", "spiffe://test.example.org/a")
			.containsEntry("scope", "orders:read")
			.containsEntry("act",
					Map.of("sub", "spiffe://test.example.org/c", "act", Map.of("sub", "spiffe://test.example.org/b")));
		assertThat((long) claims(cd).get("exp")).isLessThanOrEqualTo((long) claims(ab).get("exp"));
		assertThat(introspect(cd)).containsEntry("active", true)
			.containsEntry("act",
					Map.of("sub", "spiffe://test.example.org/c", "act", Map.of("sub", "spiffe://test.example.org/b")));
	}

	static Stream<Arguments> rejections() {
		return Stream.of(
				row("a hop past writ.delegation.max-depth", "invalid_request",
						(t) -> t.hop(t.token(t.hop(t.token(t.hop(t.root(), "/b", "https://c.example.org")), "/c",
								"https://d.example.org")), "/d", "https://e.example.org")),
				row("a scope the Writ token does not carry", "invalid_scope", (t) -> {
					Map<String, String> form = t.hop(t.root(), "/b", "https://c.example.org");
					form.put("scope", "orders:admin");
					return form;
				}),
				row("a Writ token no grant takes by its audience", "invalid_target",
						(t) -> t.hop(t.root(), "/c", "https://d.example.org")),
				row("a hop without its actor", "invalid_target",
						(t) -> form(t.root(), ACCESS_TOKEN, null, "https://c.example.org")),
				row("a hop by another actor", "invalid_target",
						(t) -> t.hop(t.root(), "/mallory", "https://c.example.org")),
				row("a revoked Writ token", "invalid_request", (t) -> {
					String root = t.root();
					t.post("/oauth2/revoke", null, Map.of("token", root));
					return t.hop(root, "/b", "https://c.example.org");
				}), row("a Writ token derived from a revoked one", "invalid_request", (t) -> {
					String root = t.root();
					String bc = t.token(t.hop(root, "/b", "https://c.example.org"));
					t.post("/oauth2/revoke", null, Map.of("token", root));
					return t.hop(bc, "/c", "https://d.example.org");
				}),
				row("another issuer's JWT sent as an access token", "invalid_request",
						(t) -> t.hop(t.svid("/a"), "/b", "https://c.example.org")),
				row("a Writ token tampered with", "invalid_request", (t) -> {
					String[] parts = t.root().split("\\.");
					return t.hop(parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2], "/b",
							"https://c.example.org");
				}),
				row("a Writ token sent as a JWT identity token", "invalid_request",
						(t) -> form(t.root(), JWT, t.svid("/b"), "https://c.example.org")),
				row("the identity token of the subject for a hop grant", "invalid_target",
						(t) -> form(t.svid("/a"), JWT, t.svid("/b"), "https://c.example.org")));
	}

	interface Request {

		Map<String, String> of(DelegationIntegrationTests test) throws Exception;

	}

	static Arguments row(String name, String error, Request request) {
		return arguments(name, error, request);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejections")
	void chainExchangeWhenRefusedThenExactErrorAndNoToken(String name, String error, Request request) throws Exception {
		HttpResponse<String> answer = post("/oauth2/token", null, request.of(this));

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
		Map<String, Object> body = JSONObjectUtils.parse(answer.body());
		assertThat(body).containsEntry("error", error)
			.containsKey("error_description")
			.doesNotContainKey("access_token");
		assertThat((String) body.get("error_description")).doesNotContain("eyJ");
	}

}

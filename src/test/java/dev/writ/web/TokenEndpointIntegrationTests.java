package dev.writ.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
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
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.request.TokenTypes;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The token endpoint over real HTTP on a random port: exchanges a JWT-SVID, verifies the
 * issued token as a resource server would, and walks the table of rejections, each with
 * its exact status and code and no token minted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class TokenEndpointIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final String PAYMENTS = "https://payments.example.org";

	static final String LEDGER = "https://ledger.example.org";

	static final String CHECKOUT = "/ns/prod/sa/checkout";

	static final String GATEWAY = "/ns/edge/sa/gateway";

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: checkout-pays
			    description: Checkout may charge and refund
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge, payments:refund]
			    ttl: 5m
			  - id: nan-claims
			    subject: spiffe://test.example.org/ns/prod/sa/nan
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			    token_claims:
			      ratio: "0.0 / 0.0"
			  - id: gateway-for-checkout
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    actor: spiffe://test.example.org/ns/edge/sa/gateway
			    audience: https://ledger.example.org
			    scopes: [ledger:read]
			  - id: gateway-only
			    subject: spiffe://test.example.org/ns/prod/sa/delegator
			    actor: spiffe://test.example.org/ns/edge/sa/gateway
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			  - id: batch-reads-ledger
			    subject_pattern: spiffe://test\\.example\\.org/ns/batch/sa/[a-z-]+
			    audience: https://ledger.example.org
			    scopes: [ledger:read]
			    ttl: 2m
			""");

	static final TestAuthority AUTHORITY = SITE.authority();

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	@org.springframework.beans.factory.annotation.Autowired
	org.springframework.context.ConfigurableApplicationContext context;

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.issuer", () -> ISSUER);
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
	}

	@Test
	void startWhenMemoryStoreThenNoRedisClientIsBuilt() {
		// Spring Boot would define them (Lettuce is on the class path); with the memory
		// store Writ removes them.
		var beans = this.context.getBeanFactory();
		assertThat(beans.getBeanNamesForType(org.springframework.data.redis.connection.RedisConnectionFactory.class))
			.isEmpty();
		assertThat(beans.getBeanNamesForType(org.springframework.data.redis.core.StringRedisTemplate.class)).isEmpty();
		assertThat(beans.getBeanNamesForType(org.springframework.context.SmartLifecycle.class))
			.noneMatch((name) -> name.toLowerCase(java.util.Locale.ROOT).contains("redis"));
	}

	@Test
	void prometheusFromLoopbackThenExchangeKeyTrustAndPolicyMetricsAndNothingElseOfActuator() throws Exception {
		exchange(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, "payments:charge"));
		exchange(form(AUTHORITY.svid(CHECKOUT).sign(), "https://unknown.example.org", "payments:charge"));

		Response metrics = get("/actuator/prometheus");

		assertThat(metrics.status()).isEqualTo(200);
		assertThat(metrics.body())
			.contains("writ_exchanges_total{error=\"none\",grant=\"checkout-pays\",outcome=\"granted\","
					+ "source=\"spiffe://test.example.org\"}")
			.containsPattern("writ_exchanges_total\\{error=\"invalid_target\",[^}]*outcome=\"denied\"")
			.contains("writ_exchange_latency_seconds_bucket{")
			.contains("writ_keys{state=\"active\"} 1.0")
			.contains("writ_keys_active{kid=")
			.contains("writ_trust_source_state{source=\"spiffe://test.example.org\",state=\"up\"} 1.0")
			.contains("writ_trust_source_key_age_seconds{source=")
			.contains("writ_policy_active{digest=")
			.contains("writ_crypto_provider{")
			// Spring's per-request observation is off: Writ meters exchanges itself.
			.doesNotContain("http_server_requests");
		for (String endpoint : List.of("/actuator/env", "/actuator/beans", "/actuator/metrics", "/actuator/heapdump",
				"/actuator/loggers", "/actuator")) {
			assertThat(get(endpoint).status()).as(endpoint).isIn(401, 403, 404);
		}
	}

	@Test
	void exchangeWhenValidSvidThenAccessTokenThatAResourceServerAccepts() throws Exception {
		Response response = exchange(
				form(AUTHORITY.svid(CHECKOUT).expiresIn(Duration.ofMinutes(10)).sign(), PAYMENTS, "payments:charge"));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((v) -> assertThat(v).contains("no-store"));
		// RFC 6749 5.1, as Spring's own handler answered.
		assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
		assertThat(response.json()).containsEntry("token_type", "Bearer")
			.containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
			.containsEntry("scope", "payments:charge")
			.containsKey("expires_in");
		assertThat(((Number) response.json().get("expires_in")).longValue()).isBetween(298L, 300L);

		Jwt jwt = resourceServer(PAYMENTS).decode((String) response.json().get("access_token"));
		assertThat(jwt.getHeaders()).containsEntry("typ", "at+jwt").containsKey("kid");
		assertThat(jwt.getSubject()).isEqualTo("spiffe://test.example.org/ns/prod/sa/checkout");
		assertThat(jwt.getClaimAsString("iss")).isEqualTo(ISSUER);
		// RFC 9068 §2.2 allows a string: one audience, not a list (Spring's Jwt shows it
		// as a list either way).
		assertThat(com.nimbusds.jwt.SignedJWT.parse(jwt.getTokenValue()).getPayload().toJSONObject().get("aud"))
			.isEqualTo(PAYMENTS);
		assertThat(jwt.getClaimAsString("scope")).isEqualTo("payments:charge");
		assertThat(jwt.getClaimAsString("client_id")).isEqualTo(jwt.getSubject());
		assertThat(jwt.getId()).isNotBlank();
		assertThat(jwt.getNotBefore()).isEqualTo(jwt.getIssuedAt());
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofMinutes(5));
		assertThat(jwt.getClaimAsString("grant")).isEqualTo("checkout-pays");
		assertThat(jwt.getClaimAsString("policy_digest")).hasSize(64);
	}

	@Test
	void exchangeWhenIssuedTokenPresentedForAnotherAudienceThenResourceServerRefusesIt() throws Exception {
		Response response = exchange(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, null));

		assertThatExceptionOfType(JwtValidationException.class)
			.isThrownBy(() -> resourceServer(LEDGER).decode((String) response.json().get("access_token")));
	}

	@Test
	void exchangeWhenSubjectTokenExpiresSoonerThanTheGrantThenTokenLivesNoLonger() throws Exception {
		Response response = exchange(
				form(AUTHORITY.svid(CHECKOUT).expiresIn(Duration.ofMinutes(2)).sign(), PAYMENTS, null));

		assertThat(((Number) response.json().get("expires_in")).longValue()).isBetween(118L, 120L);
	}

	@Test
	void exchangeWhenNoScopeRequestedThenEveryGrantedScope() throws Exception {
		Response response = exchange(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, null));

		assertThat(response.json()).containsEntry("scope", "payments:charge payments:refund");
	}

	@Test
	void exchangeWhenNoTargetAndOneGrantedThenThatTarget() throws Exception {
		Response response = exchange(form(AUTHORITY.svid(CHECKOUT).sign(), null, null));

		assertThat(response.status()).isEqualTo(200);
		assertThat(resourceServer(PAYMENTS).decode((String) response.json().get("access_token")).getAudience())
			.containsExactly(PAYMENTS);
	}

	@Test
	void exchangeWhenResourceInsteadOfAudienceThenTokenForIt() throws Exception {
		Map<String, String> form = form(AUTHORITY.svid(CHECKOUT).sign(), null, null);
		form.put("resource", PAYMENTS);

		assertThat(exchange(form).status()).isEqualTo(200);
	}

	@Test
	void exchangeWhenAClaimIsNullAfterAValidSignatureThenGranted() throws Exception {
		Response response = exchange(
				form(AUTHORITY.svid(CHECKOUT).signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"team\":null,")),
						PAYMENTS, null));

		assertThat(response.status()).as(response.body()).isEqualTo(200);
	}

	@Test
	void exchangeWhenPatternGrantMatchesThenItsTtlAndScopes() throws Exception {
		Response response = exchange(form(AUTHORITY.svid("/ns/batch/sa/nightly-report").sign(), LEDGER, "ledger:read"));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("expires_in")).isIn(119L, 120L);
	}

	@Test
	void exchangeWhenJwtTypeRequestedAndClientIdSentThenIssuedTypeJwt() throws Exception {
		Map<String, String> form = form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, null);
		form.put("requested_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("client_id", "checkout");

		Response response = exchange(form);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json()).containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:jwt");
	}

	@Test
	void exchangeThenExactlyOneAuditEventWithDigestsAndNoToken(CapturedOutput output) throws Exception {
		String svid = AUTHORITY.svid(CHECKOUT).sign();

		Response response = exchange(form(svid, PAYMENTS, null));

		String token = (String) response.json().get("access_token");
		List<String> events = auditLines(output);
		assertThat(events).hasSize(1);
		assertThat(events.get(0)).contains("\"outcome\":\"granted\"", "\"grant\":\"checkout-pays\"",
				"\"subject_token_sha256\"", "\"policy_digest\"");
		assertThat(output.getAll()).doesNotContain(svid).doesNotContain(token);
	}

	@Test
	void metadataThenDescribesTheTokenExchangeEndpoint() throws Exception {
		Response response = get("/.well-known/oauth-authorization-server");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json()).containsEntry("issuer", ISSUER)
			.containsEntry("token_endpoint", ISSUER + "/oauth2/token")
			.containsEntry("jwks_uri", ISSUER + "/oauth2/jwks")
			.containsEntry("grant_types_supported", List.of("urn:ietf:params:oauth:grant-type:token-exchange"))
			.containsEntry("token_endpoint_auth_methods_supported", List.of("none"))
			.containsEntry("subject_token_types_supported",
					List.of("urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:id_token",
							"urn:ietf:params:oauth:token-type:access_token"))
			.containsEntry("actor_token_types_supported",
					List.of("urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:id_token"))
			.doesNotContainKey("authorization_endpoint");
	}

	@Test
	void jwksThenPublicKeysOnly() throws Exception {
		Response response = get("/oauth2/jwks");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("\"kty\":\"EC\"", "\"kid\"").doesNotContain("\"d\"");
	}

	@Test
	void adminExplainWhenNotEnabledThenRefused() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(base() + "/admin/explain"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"subject\": \"spiffe://test.example.org/a\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isIn(401, 403, 404);
		assertThat(response.body()).doesNotContain("decision");
	}

	@Test
	void actuatorWhenAnythingButHealthThenRefused() throws Exception {
		assertThat(get("/actuator/health").status()).isEqualTo(200);
		assertThat(get("/actuator/env").status()).isIn(401, 403, 404);
		assertThat(get("/actuator/beans").status()).isIn(401, 403, 404);
	}

	static Stream<Arguments> rejections() {
		String valid = "valid";
		return Stream
			.of(row("alg none", 400, "invalid_request", svid((a) -> a.svid(CHECKOUT).unsecured())),
					row("HS256 keyed with the public key", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).hs256KeyedWithPublicKey())),
					row("unknown kid", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).header((h) -> h.keyID("k9")).sign())),
					row("untrusted signing key", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).signWith(a.impostor().privateKey()))),
					row("header alg that does not fit the key", 400, "invalid_request", svid(
							(a) -> a.svid(CHECKOUT).signedButLabelled(JWSAlgorithm.ES512))),
					row("expired", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).expiresIn(Duration.ofMinutes(-2)).sign())),
					row("nbf in the future", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).notBefore(Duration.ofMinutes(2)).sign())),
					row("wrong audience", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).audience("https://elsewhere.example").sign())),
					row("untrusted trust domain", 400, "invalid_request",
							svid((a) -> TestAuthority.ec("evil.example.org", java.time.Clock.systemUTC())
								.svid(CHECKOUT)
								.sign())),
					row("malformed SPIFFE ID: uppercase trust domain", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).subject("spiffe://TEST.example.org" + CHECKOUT).sign())),
					row("malformed SPIFFE ID: dot segment", 400, "invalid_request", svid(
							(a) -> a.svid(CHECKOUT).subject("spiffe://test.example.org/ns/../sa/checkout").sign())),
					row("malformed SPIFFE ID: not spiffe", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).subject("https://test.example.org" + CHECKOUT).sign())),
					row("malformed SPIFFE ID: trailing slash", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).subject("spiffe://test.example.org" + CHECKOUT + "/").sign())),
					row("oversized token", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).claim("pad", "x".repeat(17000)).sign())),
					row("not a JWT", 400, "invalid_request", svid((a) -> "garbage")),
					// Each of these once ended in a 500 and a stack trace
					// (docs/exchange-api.md: every input ends in a 4xx).
					row("header the JSON null", 400, "invalid_request", svid((a) -> "bnVsbA.e30.AAAA")),
					row("aud holding a null, signed", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT)
								.signEdited((h) -> h, (p) -> p.replaceFirst("\"aud\":\"[^\"]*\"", "\"aud\":[null]")))),
					row("exp 1e300, signed", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).claim("exp", 1e300).sign())),
					row("padded segments", 400, "invalid_request",
							svid((a) -> String.join(".",
									Stream.of(a.svid(CHECKOUT).sign().split("\\."))
										.map((seg) -> seg + "=".repeat((4 - seg.length() % 4) % 4))
										.toList()))),
					row("duplicate sub", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT)
								.signEdited((h) -> h,
										(p) -> p.replaceFirst("\\{",
												"{\"sub\":\"spiffe://test.example.org/ns/prod/sa/admin\",")))),
					row("more than one audience", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).audience(TestSvid.DEFAULT_AUDIENCE, LEDGER).sign())),
					row("lives longer than a day", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).expiresIn(Duration.ofHours(25)).sign())),
					row("a token claim that is NaN", 400, "invalid_target",
							svid((a) -> a.svid("/ns/prod/sa/nan").sign())),
					row("missing subject_token", 400, "invalid_request", without("subject_token")),
					row("missing subject_token_type", 400, "invalid_request", without("subject_token_type")),
					row("unsupported subject_token_type", 400, "invalid_request",
							with("subject_token_type", "urn:ietf:params:oauth:token-type:saml2")),
					row("unsupported requested_token_type", 400, "invalid_request",
							with("requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token")),
					row("actor_token without actor_token_type", 400, "invalid_request", with("actor_token", valid)),
					row("actor_token that is the subject_token", 400, "invalid_request",
							(Function<Map<String, String>, Map<String, String>>) (f) -> {
								f.put("actor_token", f.get("subject_token"));
								f.put("actor_token_type", "urn:ietf:params:oauth:token-type:jwt");
								return f;
							}),
					row("actor_token that is the subject_token signed anew", 400, "invalid_request",
							actor((a) -> a.svid(CHECKOUT).sign())),
					row("actor_token naming the subject itself", 400, "invalid_request", actor(
							(a) -> a.svid(CHECKOUT).claim("jti", "other").sign())),
					row("actor_token signed by an untrusted key", 400, "invalid_request",
							actor((a) -> a.svid(GATEWAY).signWith(a.impostor().privateKey()))),
					row("actor_token expired", 400, "invalid_request",
							actor((a) -> a.svid(GATEWAY).expiresIn(Duration.ofMinutes(-2)).sign())),
					row("actor_token for another audience", 400, "invalid_request",
							actor((a) -> a.svid(GATEWAY).audience("https://elsewhere.example").sign())),
					row("actor_token of an untrusted trust domain", 400, "invalid_request",
							actor((a) -> TestAuthority.ec("evil.example.org", java.time.Clock.systemUTC())
								.svid(GATEWAY)
								.sign())),
					row("unsupported actor_token_type", 400, "invalid_request",
							actor((a) -> a.svid(GATEWAY).sign())
								.andThen(with("actor_token_type", "urn:ietf:params:oauth:token-type:saml2"))),
					row("an actor the grant does not allow", 400, "invalid_target",
							actor((a) -> a.svid(GATEWAY).sign())),
					row("an actor no grant names", 400, "invalid_target",
							actor((a) -> a.svid("/ns/edge/sa/stranger").sign()).andThen(with("audience", LEDGER))
								.andThen(with("scope", "ledger:read"))),
					row("may_act naming another actor", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT)
								.claim("may_act", Map.of("sub", "spiffe://test.example.org/ns/edge/sa/other"))
								.sign()).andThen(actor((a) -> a.svid(GATEWAY).sign()))
								.andThen(with("audience", LEDGER))
								.andThen(with("scope", "ledger:read"))),
					row("may_act that is not an object", 400, "invalid_request",
							svid((a) -> a.svid(CHECKOUT).claim("may_act", "gateway").sign())
								.andThen(actor((a) -> a.svid(GATEWAY).sign()))
								.andThen(with("audience", LEDGER))
								.andThen(with("scope", "ledger:read"))),
					row("subject_token carrying another issuer's act", 400, "invalid_request", svid(
							(a) -> a.svid(CHECKOUT).claim("act", Map.of("sub", "spiffe://test.example.org/x")).sign())),
					row("actor_token carrying act", 400, "invalid_request", actor(
							(a) -> a.svid(GATEWAY).claim("act", Map.of("sub", "spiffe://test.example.org/x")).sign())
						.andThen(with("audience", LEDGER))
						.andThen(with("scope", "ledger:read"))),
					row("a delegation grant without an actor", 400, "invalid_target",
							svid((a) -> a.svid("/ns/prod/sa/delegator").sign())),
					row("scope widening", 400, "invalid_scope", with("scope", "payments:charge payments:admin")),
					row("malformed scope", 400, "invalid_scope", with("scope", "payments:charge  payments:refund")),
					row("audience widening", 400, "invalid_target", with("audience", LEDGER)),
					row("audience no grant names", 400, "invalid_target",
							with("audience", "https://anything.example.org")),
					row("resource with a fragment", 400, "invalid_target", with("resource", PAYMENTS + "#x")),
					row("relative resource", 400, "invalid_target", with("resource", "/payments")),
					row("audience and resource disagree", 400, "invalid_target", with("resource", LEDGER)),
					row("subject with no grant", 400, "invalid_target",
							svid((a) -> a.svid("/ns/prod/sa/stranger").sign())),
					row("unsupported grant_type", 400, "unsupported_grant_type",
							with("grant_type", "urn:example:grant")),
					row("client_credentials", 400, "unsupported_grant_type", with("grant_type", "client_credentials")),
					row("client secret presented", 401, "invalid_client",
							(Function<Map<String, String>, Map<String, String>>) (f) -> {
								f.put("client_id", "someone");
								f.put("client_secret", "guess");
								return f;
							}));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejections")
	void exchangeWhenInvalidThenExactErrorAndNothingMinted(String name, int status, String error,
			Function<Map<String, String>, Map<String, String>> change, CapturedOutput output) throws Exception {
		Map<String, String> form = change.apply(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, "payments:charge"));

		Response response = exchange(form);

		assertRejected(response, status, error);
		assertThat(output.getAll()).doesNotContain("\"outcome\":\"granted\"");
	}

	@Test
	void exchangeWhenBasicAuthenticationWithAnEmptySecretThenInvalidClient() throws Exception {
		String credentials = java.util.Base64.getEncoder().encodeToString("someone:".getBytes(StandardCharsets.UTF_8));

		Response response = send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Basic " + credentials)
			.POST(HttpRequest.BodyPublishers.ofString(encode(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, null))))
			.build());

		assertRejected(response, 401, "invalid_client");
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((v) -> assertThat(v).startsWith("Basic"));
	}

	@Test
	void exchangeWhenParameterRepeatedThenInvalidRequest(CapturedOutput output) throws Exception {
		String svid = AUTHORITY.svid(CHECKOUT).sign();
		String body = encode(form(svid, PAYMENTS, null)) + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt";

		assertRejected(post(body, "application/x-www-form-urlencoded"), 400, "invalid_request");
		assertThat(output.getAll()).doesNotContain("\"outcome\":\"granted\"");
	}

	@Test
	void exchangeWhenAudienceRepeatedThenInvalidTarget() throws Exception {
		String body = encode(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, null)) + "&audience="
				+ URLEncoder.encode(LEDGER, StandardCharsets.UTF_8);

		assertRejected(post(body, "application/x-www-form-urlencoded"), 400, "invalid_target");
	}

	@Test
	void exchangeWhenParametersInQueryStringThenInvalidRequestAuditedWithoutTheToken(CapturedOutput output)
			throws Exception {
		String svid = AUTHORITY.svid(CHECKOUT).sign();
		String query = encode(form(svid, PAYMENTS, null));
		HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/oauth2/token?" + query))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(""))
			.build();

		assertRejected(send(request), 400, "invalid_request");
		assertThat(auditLines(output)).singleElement()
			.asString()
			.contains("\"stage\":\"transport\"", "\"outcome\":\"denied\"", "\"error\":\"invalid_request\"",
					"not the query string");
		assertThat(output.getAll()).doesNotContain(svid);
	}

	@Test
	void exchangeWhenJsonBodyThenInvalidRequestAudited(CapturedOutput output) throws Exception {
		assertRejected(
				post(JSONObjectUtils.toJSONString(new LinkedHashMap<>(form("x", PAYMENTS, null))), "application/json"),
				400, "invalid_request");
		assertThat(auditLines(output)).singleElement()
			.asString()
			.contains("\"stage\":\"transport\"", "application/x-www-form-urlencoded");
	}

	@Test
	void exchangeWhenJsonBodyWithGrantTypeInQueryThenInvalidRequestAudited(CapturedOutput output) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(base() + "/oauth2/token?grant_type=" + TokenTypes.GRANT_TYPE))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString(JSONObjectUtils.toJSONString(new LinkedHashMap<>(form("x", PAYMENTS, null)))))
			.build();

		assertRejected(send(request), 400, "invalid_request");
		assertThat(auditLines(output)).singleElement()
			.asString()
			.contains("\"stage\":\"transport\"", "application/x-www-form-urlencoded");
	}

	@Test
	void exchangeWhenFormLargerThanServerLimitThenRefusedWithoutToken() throws Exception {
		String body = encode(form(AUTHORITY.svid(CHECKOUT).sign(), PAYMENTS, null)) + "&pad=" + "x".repeat(70_000);

		Response response = post(body, "application/x-www-form-urlencoded");

		assertThat(response.status()).isBetween(400, 413);
		assertThat(response.body()).doesNotContain("access_token");
	}

	private static Arguments row(String name, int status, String error,
			Function<Map<String, String>, Map<String, String>> change) {
		return arguments(name, status, error, change);
	}

	private static Function<Map<String, String>, Map<String, String>> svid(Function<TestAuthority, String> token) {
		return (form) -> {
			form.put("subject_token", token.apply(AUTHORITY));
			return form;
		};
	}

	private static Function<Map<String, String>, Map<String, String>> actor(Function<TestAuthority, String> token) {
		return (form) -> {
			form.put("actor_token", token.apply(AUTHORITY));
			form.put("actor_token_type", "urn:ietf:params:oauth:token-type:jwt");
			return form;
		};
	}

	private static Function<Map<String, String>, Map<String, String>> with(String name, String value) {
		return (form) -> {
			form.put(name, value);
			return form;
		};
	}

	private static Function<Map<String, String>, Map<String, String>> without(String name) {
		return (form) -> {
			form.remove(name);
			return form;
		};
	}

	private static void assertRejected(Response response, int status, String error) throws ParseException {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.json()).containsEntry("error", error).doesNotContainKey("access_token");
		Object description = response.json().get("error_description");
		if (description != null) {
			// RFC 6749 §5.2: error_description uses %x20-21 / %x23-5B / %x5D-7E only.
			assertThat(((String) description).chars()).allMatch((c) -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\');
			assertThat((String) description).doesNotContain("eyJ").doesNotContain("Exception");
		}
	}

	static Map<String, String> form(String subjectToken, String audience, String scope) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
		if (audience != null) {
			form.put("audience", audience);
		}
		if (scope != null) {
			form.put("scope", scope);
		}
		return form;
	}

	private NimbusJwtDecoder resourceServer(String audience) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(base() + "/oauth2/jwks")
			.jwsAlgorithm(org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES256)
			.build();
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		// Spring Security 7 accepts only typ JWT by default: a resource server must allow
		// RFC 9068's at+jwt.
		validators.add(new JwtTypeValidator("at+jwt"));
		validators.add(new JwtTimestampValidator());
		validators.add(new JwtIssuerValidator(ISSUER));
		validators.add(new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(audience)));
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
		return decoder;
	}

	private static List<String> auditLines(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains("\"event\":\"token_exchange\"")).toList();
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	private Response exchange(Map<String, String> form) throws IOException, InterruptedException {
		return post(encode(form), "application/x-www-form-urlencoded");
	}

	private Response post(String body, String contentType) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private Response get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build());
	}

	private Response send(HttpRequest request) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		return new Response(response.statusCode(), response.body(), response.headers());
	}

	private static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	record Response(int status, String body, java.net.http.HttpHeaders headers) {

		Map<String, Object> json() throws ParseException {
			return JSONObjectUtils.parse(this.body);
		}

	}

}

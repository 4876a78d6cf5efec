package org.example.payments;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP-bound tokens (RFC 9449) at the payments service, with stock Spring Security: checkout gets a token from Writ
 * with a proof of its key, then calls payments with the token and a fresh proof for each call; the same token sent
 * as a plain bearer token, or with a proof of another key, is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "writ.resource-server.audience=https://payments.example.org")
class DpopTokensTests {

	static final WritProcess WRIT = WritProcess.shared();

	final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void writ(DynamicPropertyRegistry registry) {
		WRIT.configure(registry, WritProcess.PAYMENTS_SERVICE);
	}

	static ECKey key() throws Exception {
		return new ECKeyGenerator(Curve.P_256).generate();
	}

	/** A proof for one request; with {@code ath} when it goes with an access token (RFC 9449 §4.2). */
	static String proof(ECKey key, String method, String url, String accessToken) throws Exception {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", method)
			.claim("htu", url)
			.issueTime(Date.from(Instant.now()));
		if (accessToken != null) {
			claims.claim("ath", Base64URL.encode(MessageDigest.getInstance("SHA-256")
				.digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString());
		}
		SignedJWT proof = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK()).build(),
				claims.build());
		proof.sign(new ECDSASigner(key));
		return proof.serialize();
	}

	String boundToken(ECKey key) throws Exception {
		String tokenUrl = WRIT.issuer() + "/oauth2/token";
		Map<String, String> form = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
				"subject_token_type", "urn:ietf:params:oauth:token-type:jwt", "subject_token",
				WRIT.svid(WritProcess.CHECKOUT), "audience", "https://payments.example.org", "scope", "payments:read");
		HttpResponse<String> answer = this.http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("DPoP", proof(key, "POST", tokenUrl, null))
			.POST(HttpRequest.BodyPublishers.ofString(form.entrySet()
				.stream()
				.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"))))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		Map<String, Object> body = JSONObjectUtils.parse(answer.body());
		assertThat(body).containsEntry("token_type", "DPoP");
		return (String) body.get("access_token");
	}

	HttpResponse<String> get(String authorization, String proof) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url())).header("Authorization", authorization);
		if (proof != null) {
			request.header("DPoP", proof);
		}
		return this.http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	String url() {
		return "http://localhost:" + this.port + "/payments";
	}

	@Test
	void writClientWithDpopThenItsProofsServedAtPayments() throws Exception {
		try (dev.writ.client.WritClient writ = dev.writ.client.WritClient.builder()
			.tokenEndpoint(URI.create(WRIT.issuer() + "/oauth2/token"))
			.identity(dev.writ.client.IdentitySource.file(WRIT.identityFile(WritProcess.CHECKOUT)))
			.dpop()
			.build()) {
			dev.writ.client.AccessToken token = writ.token("https://payments.example.org", "payments:read");

			HttpResponse<String> answer = get(token.authorization(), writ.dpopProof("GET", URI.create(url()), token));

			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			assertThat(get("Bearer " + token.value(), null).statusCode()).as("as a bearer token").isEqualTo(401);
		}
	}

	@Test
	void boundTokenWithAProofOfItsKeyThenServed() throws Exception {
		ECKey key = key();
		String token = boundToken(key);

		HttpResponse<String> answer = get("DPoP " + token, proof(key, "GET", url(), token));

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(answer.body()).contains(WritProcess.CHECKOUT);
	}

	@Test
	void boundTokenAsABearerTokenOrWithoutAProofOfItsKeyThenRefused() throws Exception {
		ECKey key = key();
		String token = boundToken(key);

		assertThat(get("Bearer " + token, null).statusCode()).as("as a bearer token").isEqualTo(401);
		assertThat(get("DPoP " + token, null).statusCode()).as("without a proof").isEqualTo(401);
		assertThat(get("DPoP " + token, proof(key(), "GET", url(), token)).statusCode()).as("a proof of another key")
			.isEqualTo(401);
		assertThat(get("DPoP " + token, proof(key, "POST", url(), token)).statusCode()).as("a proof for another method")
			.isEqualTo(401);
	}

}

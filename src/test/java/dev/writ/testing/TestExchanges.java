package dev.writ.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spiffe.spiffeid.SpiffeId;

import dev.writ.context.ExchangeContext;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;
import dev.writ.trust.VerifiedSubject;

/**
 * Exchange contexts for tests, made the only way there is: by verifying a real JWT-SVID.
 */
public final class TestExchanges {

	private TestExchanges() {
	}

	/**
	 * The context of an exchange by {@code spiffeId} at {@code now}, with no target or
	 * scope requested.
	 */
	public static ExchangeContext context(String spiffeId, Instant now) {
		Clock clock = Clock.fixed(now, ZoneOffset.UTC);
		SpiffeId id = SpiffeId.parse(spiffeId);
		TestAuthority authority = TestAuthority.ec(id.getTrustDomain().getName(), clock);
		String token = authority.svid(id.getPath()).sign();
		VerifiedSubject subject = TestTrust.verifier(clock)
			.verify(token, TokenTypes.JWT, TestTrust.spiffe(clock, authority));
		return new ExchangeContext(subject, Map.of(), new ExchangeRequestParser().parse(form(token)), now);
	}

	/**
	 * Posts a token-exchange request for a JWT subject token and one audience to
	 * {@code baseUrl}'s token endpoint.
	 */
	public static HttpResponse<String> exchange(HttpClient http, String baseUrl, String subjectToken, String audience)
			throws IOException, InterruptedException {
		return exchange(http, baseUrl, subjectToken, audience, new String[0]);
	}

	/** The same, with a {@code DPoP} header for each proof given. */
	public static HttpResponse<String> exchange(HttpClient http, String baseUrl, String subjectToken, String audience,
			String... dpop) throws IOException, InterruptedException {
		String body = "grant_type=" + encode(TokenTypes.GRANT_TYPE) + "&subject_token_type=" + encode(TokenTypes.JWT)
				+ "&subject_token=" + encode(subjectToken) + "&audience=" + encode(audience);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded");
		for (String proof : dpop) {
			request.header("DPoP", proof);
		}
		return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Posts a token-exchange request for a just-in-time credential for {@code audience}
	 * (requested_token_type {@link TokenTypes#PASSWORD}).
	 */
	public static HttpResponse<String> credential(HttpClient http, String baseUrl, String subjectToken, String audience)
			throws IOException, InterruptedException {
		String body = "grant_type=" + encode(TokenTypes.GRANT_TYPE) + "&subject_token_type=" + encode(TokenTypes.JWT)
				+ "&subject_token=" + encode(subjectToken) + "&audience=" + encode(audience) + "&requested_token_type="
				+ encode(TokenTypes.PASSWORD);
		return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A form body: each field URL-encoded, in the map's order. */
	public static String body(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + encode(e.getValue()))
			.collect(java.util.stream.Collectors.joining("&"));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/** The form of a token-exchange request for a JWT subject token. */
	public static Map<String, List<String>> form(String subjectToken) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of(subjectToken));
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		return form;
	}

	/** The same, asking for {@code audience}. */
	public static Map<String, List<String>> form(String subjectToken, String audience) {
		Map<String, List<String>> form = form(subjectToken);
		form.put("audience", List.of(audience));
		return form;
	}

}

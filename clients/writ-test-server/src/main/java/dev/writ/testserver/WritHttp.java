package dev.writ.testserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;

/** What a {@link WritTestServer} asks its Writ over HTTP. */
final class WritHttp {

	private final String issuer;

	private final HttpClient http;

	WritHttp(String issuer, @Nullable SSLContext tls) {
		this.issuer = issuer;
		HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
		if (tls != null) {
			http.sslContext(tls);
		}
		this.http = http.build();
	}

	/**
	 * Exchanges {@code subjectToken} (a JWT) for an access token; fails on anything but
	 * 200.
	 */
	public String exchange(String subjectToken, String audience, String scope) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("subject_token", subjectToken);
		form.put("audience", audience);
		form.put("scope", scope);
		String answer = post("/oauth2/token", "application/x-www-form-urlencoded", null, form(form));
		try {
			Object token = JSONObjectUtils.parse(answer).get("access_token");
			if (!(token instanceof String value)) {
				throw new IllegalStateException("Writ's answer has no access_token");
			}
			return value;
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Writ's answer is not JSON", ex);
		}
	}

	/** The form encoding of {@code fields}, in their order. */
	public static String form(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	/**
	 * POSTs to Writ, with a bearer token if one is given; the body; fails on anything but
	 * 200.
	 */
	public String post(String path, String contentType, @Nullable String bearer, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.issuer + path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		HttpResponse<String> response = send(request.build());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	public HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.issuer + path)).build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The exchanges Writ has counted ({@code writ_exchanges_total} on
	 * {@code /actuator/prometheus}) whose tags include {@code tag="value"}, e.g.
	 * {@code grant="short"} or {@code error="slow_down"}.
	 */
	public long exchanges(String tag, String value) {
		String metrics = get("/actuator/prometheus").body();
		Matcher line = Pattern.compile("^writ_exchanges_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE)
			.matcher(metrics);
		double total = 0;
		while (line.find()) {
			if (line.group(1).contains(tag + "=\"" + value + "\"")) {
				total += Double.parseDouble(line.group(2));
			}
		}
		return (long) total;
	}

}

package dev.writ.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Writ's token endpoint, asked for one token exchange (RFC 8693 §2.1) at a time: found
 * once through Writ's metadata (RFC 8414) when only the issuer is known. One place builds
 * the request, where a DPoP proof (RFC 9449) will go.
 */
final class TokenEndpoint {

	static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

	/** The most of an answer that is read: Writ's are under a few KiB. */
	private static final int MAX_ANSWER = 256 * 1024;

	/** The longest {@code Retry-After} honoured as given; a longer one is capped. */
	static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

	private final @Nullable URI issuer;

	private volatile @Nullable URI endpoint;

	private final IdentitySource identity;

	private final String subjectTokenType;

	private final HttpClient http;

	private final Duration timeout;

	private final Clock clock;

	TokenEndpoint(@Nullable URI issuer, @Nullable URI endpoint, IdentitySource identity, String subjectTokenType,
			Duration timeout, Clock clock) {
		this.issuer = issuer;
		this.endpoint = endpoint;
		this.identity = identity;
		this.subjectTokenType = subjectTokenType;
		this.timeout = timeout;
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
	}

	/**
	 * A token, with its life on this machine's monotonic clock: from when its request was
	 * sent (its life began at most then), for Writ's {@code expires_in}.
	 */
	record Received(AccessToken token, long sentNanos, long lifetimeNanos) {
	}

	Received exchange(TokenRequest request) {
		URI endpoint = endpoint();
		String subjectToken;
		try {
			subjectToken = this.identity.identityToken();
		}
		catch (IOException | RuntimeException ex) {
			throw WritClientException.local(WritClientException.NO_IDENTITY,
					"cannot read the identity token from " + this.identity + ": " + ex.getMessage(), null);
		}
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", GRANT_TYPE);
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", this.subjectTokenType);
		form.put("audience", request.audience());
		if (!request.scopes().isEmpty()) {
			form.put("scope", request.scopeParameter());
		}
		HttpRequest post = HttpRequest.newBuilder(endpoint)
			.timeout(this.timeout)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(form(form)))
			.build();
		Instant sentAt = this.clock.instant();
		long sent = System.nanoTime();
		Answer answer = send(post, "Writ's token endpoint");
		if (answer.status() != 200) {
			throw refusal(answer);
		}
		Map<String, Object> json = json(answer);
		Object accessToken = json.get("access_token");
		Object tokenType = json.get("token_type");
		Object expiresIn = json.get("expires_in");
		if (!(accessToken instanceof String value) || value.isEmpty() || !(tokenType instanceof String type)
				|| !(expiresIn instanceof Number seconds) || seconds.longValue() <= 0) {
			throw invalid("an answer without access_token, token_type and a positive expires_in");
		}
		Set<String> scopes = (json.get("scope") instanceof String scope && !scope.isBlank())
				? Set.of(scope.trim().split(" +")) : request.scopes();
		Duration lifetime = Duration.ofSeconds(seconds.longValue());
		return new Received(new AccessToken(value, type, scopes, sentAt.plus(lifetime)), sent, lifetime.toNanos());
	}

	/** The token endpoint: the one given, or the one Writ's metadata names. */
	URI endpoint() {
		URI known = this.endpoint;
		if (known != null) {
			return known;
		}
		URI issuer = this.issuer;
		if (issuer == null) {
			throw new IllegalStateException("neither a token endpoint nor an issuer");
		}
		URI metadata = Endpoints.metadata(issuer);
		Answer answer = send(HttpRequest.newBuilder(metadata).timeout(this.timeout).GET().build(), "Writ's metadata");
		if (answer.status() != 200) {
			throw new WritClientException(WritClientException.UNREACHABLE,
					"Writ's metadata (" + metadata + ") answered " + answer.status(), answer.status(),
					retryAfter(answer.response()), null);
		}
		Map<String, Object> json = json(answer);
		// RFC 8414 §3.3: the metadata must name the issuer it was asked for.
		if (!issuer.toString().equals(json.get("issuer"))) {
			throw invalid("metadata at " + metadata + " names another issuer");
		}
		if (!(json.get("token_endpoint") instanceof String tokenEndpoint)) {
			throw invalid("metadata at " + metadata + " names no token_endpoint");
		}
		URI found;
		try {
			found = Endpoints.check(URI.create(tokenEndpoint), "the metadata's token_endpoint");
		}
		catch (IllegalArgumentException ex) {
			throw invalid(String.valueOf(ex.getMessage()));
		}
		this.endpoint = found;
		return found;
	}

	private record Answer(int status, String body, HttpResponse<InputStream> response) {
	}

	private Answer send(HttpRequest request, String what) {
		try {
			HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
			byte[] body;
			try (InputStream in = response.body()) {
				body = in.readNBytes(MAX_ANSWER + 1);
			}
			if (body.length > MAX_ANSWER) {
				throw invalid(what + " answered more than " + MAX_ANSWER + " bytes");
			}
			return new Answer(response.statusCode(), new String(body, StandardCharsets.UTF_8), response);
		}
		catch (HttpTimeoutException ex) {
			throw WritClientException.local(WritClientException.UNREACHABLE,
					what + " did not answer in " + this.timeout.toMillis() + " ms", ex);
		}
		catch (IOException ex) {
			throw WritClientException.local(WritClientException.UNREACHABLE,
					"cannot reach " + what + " (" + request.uri() + "): " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw WritClientException.local(WritClientException.UNREACHABLE, "interrupted while asking " + what, ex);
		}
	}

	private static Map<String, Object> json(Answer answer) {
		String type = answer.response().headers().firstValue("Content-Type").orElse("");
		if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
			throw invalid("an answer of type '" + type + "', not application/json (HTTP " + answer.status() + ")");
		}
		try {
			return Json.object(answer.body(), "the answer");
		}
		catch (IOException ex) {
			throw invalid(String.valueOf(ex.getMessage()));
		}
	}

	/** Writ's error answer (RFC 6749 §5.2), as it gave it. */
	private WritClientException refusal(Answer answer) {
		Duration retryAfter = retryAfter(answer.response());
		Map<String, Object> json;
		try {
			json = json(answer);
		}
		catch (WritClientException ex) {
			return new WritClientException(
					(answer.status() >= 500) ? "server_error" : WritClientException.INVALID_RESPONSE,
					"HTTP " + answer.status() + " without an OAuth error", answer.status(), retryAfter, null);
		}
		if (!(json.get("error") instanceof String error) || error.isEmpty()) {
			return new WritClientException(WritClientException.INVALID_RESPONSE,
					"HTTP " + answer.status() + " without an OAuth error", answer.status(), retryAfter, null);
		}
		String description = (json.get("error_description") instanceof String text) ? text : null;
		return new WritClientException(error, description, answer.status(), retryAfter, null);
	}

	/** RFC 9110 §10.2.3: seconds, or an HTTP date; capped at {@link #MAX_RETRY_AFTER}. */
	@Nullable Duration retryAfter(HttpResponse<?> response) {
		String value = response.headers().firstValue("Retry-After").orElse(null);
		if (value == null) {
			return null;
		}
		Duration wait;
		try {
			wait = Duration.ofSeconds(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException notSeconds) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
				wait = Duration.between(this.clock.instant(), at.toInstant());
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
		if (wait.isNegative()) {
			return Duration.ZERO;
		}
		return (wait.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : wait;
	}

	private static WritClientException invalid(String description) {
		return WritClientException.local(WritClientException.INVALID_RESPONSE, description, null);
	}

	private static String form(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	@Override
	public String toString() {
		URI endpoint = this.endpoint;
		return "TokenEndpoint[" + ((endpoint != null) ? endpoint : "issuer " + this.issuer) + "]";
	}

}

package dev.writ.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Writ's token endpoint, asked for one token exchange (RFC 8693 §2.1) at a time: found
 * once through Writ's metadata (RFC 8414) when only the issuer is known. One place builds
 * the request, with a DPoP proof (RFC 9449) when the client has a DPoP key; asked for the
 * server's nonce, it retries once with it.
 */
final class TokenEndpoint {

	static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	/** The most of an answer that is read: Writ's are under a few KiB. */
	private static final int MAX_ANSWER = 256 * 1024;

	/**
	 * The longest life a token is held for, whatever {@code expires_in} says: Writ's
	 * longest is an hour ({@code writ.token.max-ttl}), and a day bounds what a wrong
	 * answer can do.
	 */
	static final Duration MAX_LIFETIME = Duration.ofDays(1);

	private final @Nullable URI issuer;

	private volatile @Nullable URI endpoint;

	private final IdentitySource identity;

	private final String subjectTokenType;

	private final Http http;

	private final Clock clock;

	private final boolean plainHttp;

	private final @Nullable DpopSession dpop;

	TokenEndpoint(@Nullable URI issuer, @Nullable URI endpoint, IdentitySource identity, String subjectTokenType,
			Duration timeout, Clock clock, boolean plainHttp) {
		this(issuer, endpoint, identity, subjectTokenType, timeout, clock, plainHttp, null);
	}

	TokenEndpoint(@Nullable URI issuer, @Nullable URI endpoint, IdentitySource identity, String subjectTokenType,
			Duration timeout, Clock clock, boolean plainHttp, @Nullable DpopKey dpop) {
		this.dpop = (dpop != null) ? new DpopSession(dpop) : null;
		this.plainHttp = plainHttp;
		this.issuer = issuer;
		this.endpoint = endpoint;
		this.identity = identity;
		this.subjectTokenType = subjectTokenType;
		this.clock = clock;
		this.http = new Http(timeout);
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
		catch (IOException ex) {
			throw WritClientException.local(WritClientException.NO_IDENTITY,
					"cannot read the identity token from " + this.identity + ": " + ex.getMessage(), null);
		}
		catch (RuntimeException ex) {
			// Its message is not ours to vouch for: only what it was.
			throw WritClientException.local(WritClientException.NO_IDENTITY,
					"cannot read the identity token from " + this.identity + ": " + ex.getClass().getName(), null);
		}
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", GRANT_TYPE);
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", this.subjectTokenType);
		form.put("audience", request.audience());
		if (!request.scopes().isEmpty()) {
			form.put("scope", request.scopeParameter());
		}
		Instant sentAt = this.clock.instant();
		long sent = System.nanoTime();
		HttpResponse<byte[]> answer = send(post(endpoint, form(form), sentAt), "Writ's token endpoint");
		DpopSession dpop = this.dpop;
		if (dpop != null) {
			dpop.remember(answer.headers());
		}
		if (answer.statusCode() != 200 && dpop != null && dpop.hasNonce()) {
			WritClientException refused = refusal(answer);
			// RFC 9449 §8: asked for the server's nonce, the client retries once with it.
			if (!"use_dpop_nonce".equals(refused.error())) {
				throw refused;
			}
			sentAt = this.clock.instant();
			sent = System.nanoTime();
			answer = send(post(endpoint, form(form), sentAt), "Writ's token endpoint");
			dpop.remember(answer.headers());
		}
		if (answer.statusCode() != 200) {
			throw refusal(answer);
		}
		return received(json(answer), request, sentAt, sent, dpop != null);
	}

	private HttpRequest post(URI endpoint, String body, Instant now) {
		HttpRequest.Builder post = HttpRequest.newBuilder(endpoint)
			.timeout(this.http.timeout())
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json");
		DpopSession dpop = this.dpop;
		if (dpop != null) {
			post.header("DPoP", dpop.proof(endpoint, now));
		}
		return post.POST(HttpRequest.BodyPublishers.ofString(body)).build();
	}

	private static Received received(Map<String, Object> json, TokenRequest request, Instant sentAt, long sent,
			boolean dpop) {
		Object accessToken = json.get("access_token");
		Object tokenType = json.get("token_type");
		Object expiresIn = json.get("expires_in");
		if (!(accessToken instanceof String value) || value.isEmpty() || !(tokenType instanceof String type)
				|| !(expiresIn instanceof Number seconds) || !(seconds.doubleValue() >= 1)) {
			throw invalid("an answer without access_token, token_type and a positive expires_in");
		}
		// Sent as the type it is: a bearer token, or with a proof each call (DPoP).
		// Asked with a proof, a bearer answer means the binding was dropped somewhere.
		String expected = dpop ? "DPoP" : "Bearer";
		if (!type.equalsIgnoreCase(expected)) {
			throw invalid("a token of type '" + Http.printable(type) + "', not " + expected);
		}
		if (json.containsKey("issued_token_type") && !ACCESS_TOKEN_TYPE.equals(json.get("issued_token_type"))) {
			throw invalid("an issued_token_type other than an access token");
		}
		Set<String> scopes = (json.get("scope") instanceof String scope && !scope.isBlank())
				? Arrays.stream(scope.trim().split(" +")).collect(Collectors.toUnmodifiableSet()) : request.scopes();
		Duration lifetime = (seconds.doubleValue() >= MAX_LIFETIME.toSeconds()) ? MAX_LIFETIME
				: Duration.ofSeconds(seconds.longValue());
		return new Received(new AccessToken(value, expected, scopes, sentAt.plus(lifetime)), sent, lifetime.toNanos());
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
		HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(metadata).timeout(this.http.timeout()).GET().build(),
				"Writ's metadata");
		if (answer.statusCode() != 200) {
			throw new WritClientException(WritClientException.UNREACHABLE,
					"Writ's metadata (" + Endpoints.describe(metadata) + ") answered " + answer.statusCode(),
					answer.statusCode(), Http.retryAfter(answer.headers(), this.clock.instant()), null);
		}
		Map<String, Object> json = json(answer);
		// RFC 8414 §3.3: the metadata must name the issuer it was asked for.
		if (!issuer.toString().equals(json.get("issuer"))) {
			throw invalid("the metadata at " + Endpoints.describe(metadata) + " names another issuer");
		}
		if (!(json.get("token_endpoint") instanceof String tokenEndpoint)) {
			throw invalid("the metadata at " + Endpoints.describe(metadata) + " names no token_endpoint");
		}
		URI found;
		try {
			found = Endpoints.parse(tokenEndpoint, "the metadata's token_endpoint", this.plainHttp);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(String.valueOf(ex.getMessage()));
		}
		// An https issuer's identity tokens go over https only, even to a loopback
		// listener.
		if (issuer.getScheme().equalsIgnoreCase("https") && !found.getScheme().equalsIgnoreCase("https")) {
			throw invalid("the metadata of an https issuer names a token_endpoint that is not https");
		}
		this.endpoint = found;
		return found;
	}

	private HttpResponse<byte[]> send(HttpRequest request, String what) {
		try {
			return this.http.send(request, MAX_ANSWER);
		}
		catch (TimeoutException ex) {
			throw WritClientException.local(WritClientException.UNREACHABLE,
					what + " did not answer in " + this.http.timeout().toMillis() + " ms", ex);
		}
		catch (IOException ex) {
			throw WritClientException.local(WritClientException.UNREACHABLE,
					"cannot reach " + what + " (" + Endpoints.describe(request.uri()) + "): " + ex.getClass().getName()
							+ ((ex.getMessage() != null) ? ": " + Http.printable(ex.getMessage()) : ""),
					ex);
		}
	}

	private static Map<String, Object> json(HttpResponse<byte[]> answer) {
		String type = answer.headers().firstValue("Content-Type").orElse("");
		if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
			throw invalid("an answer of type '" + Http.printable(type) + "', not application/json (HTTP "
					+ answer.statusCode() + ")");
		}
		try {
			return Json.object(new String(answer.body(), StandardCharsets.UTF_8), "the answer");
		}
		catch (IOException ex) {
			throw invalid(String.valueOf(ex.getMessage()));
		}
	}

	/** Writ's error answer (RFC 6749 §5.2), as it gave it. */
	private WritClientException refusal(HttpResponse<byte[]> answer) {
		Duration retryAfter = Http.retryAfter(answer.headers(), this.clock.instant());
		Map<String, Object> json;
		try {
			json = json(answer);
		}
		catch (WritClientException ex) {
			return new WritClientException(
					(answer.statusCode() >= 500) ? "server_error" : WritClientException.INVALID_RESPONSE,
					"HTTP " + answer.statusCode() + " without an OAuth error", answer.statusCode(), retryAfter, null);
		}
		if (!(json.get("error") instanceof String error) || error.isEmpty()) {
			return new WritClientException(WritClientException.INVALID_RESPONSE,
					"HTTP " + answer.statusCode() + " without an OAuth error", answer.statusCode(), retryAfter, null);
		}
		String description = (json.get("error_description") instanceof String text) ? text : null;
		return new WritClientException(Http.printable(error), description, answer.statusCode(), retryAfter, null);
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

	/**
	 * Closes the identity source if it holds something open (the Workload API's channel).
	 */
	void close() {
		if (this.identity instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// closing: nothing left to do with it
			}
		}
	}

	@Override
	public String toString() {
		URI endpoint = this.endpoint;
		URI issuer = this.issuer;
		return "TokenEndpoint[" + ((endpoint != null) ? Endpoints.describe(endpoint)
				: (issuer != null) ? "issuer " + Endpoints.describe(issuer) : "") + "]";
	}

}

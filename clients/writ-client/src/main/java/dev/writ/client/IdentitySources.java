package dev.writ.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** The identity sources of {@link IdentitySource}'s factories. */
final class IdentitySources {

	/** The most of an identity token's source that is read: tokens are a few KiB. */
	static final int MAX_BYTES = 64 * 1024;

	private IdentitySources() {
	}

	static IdentitySource githubActions(String audience, Map<String, String> environment) {
		String url = environment.get("ACTIONS_ID_TOKEN_REQUEST_URL");
		String token = environment.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
		if (url == null || url.isEmpty() || token == null || token.isEmpty()) {
			throw new IllegalStateException("ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not"
					+ " set: the job needs 'permissions: id-token: write'");
		}
		URI uri = Endpoints.parse(url + (url.contains("?") ? "&" : "?") + "audience="
				+ URLEncoder.encode(audience, StandardCharsets.UTF_8), "ACTIONS_ID_TOKEN_REQUEST_URL");
		return new UrlSource(uri, Map.of("Authorization", "Bearer " + token), "value");
	}

	/**
	 * The token of a source's content: the whole of it, trimmed, or a field of its JSON.
	 */
	static String token(String content, @Nullable String field, String where) throws IOException {
		String token;
		if (field == null) {
			token = content.strip();
		}
		else {
			token = Json.string(Json.object(content, where), field, where);
		}
		if (token.isEmpty()) {
			throw new IOException(where + " holds no identity token");
		}
		return token;
	}

	record FileSource(Path path, @Nullable String field) implements IdentitySource {

		@Override
		public String identityToken() throws IOException {
			byte[] bytes;
			try (InputStream in = Files.newInputStream(this.path)) {
				bytes = in.readNBytes(MAX_BYTES + 1);
			}
			if (bytes.length > MAX_BYTES) {
				throw new IOException(this.path + " is larger than an identity token (" + MAX_BYTES + " bytes)");
			}
			return token(new String(bytes, StandardCharsets.UTF_8), this.field, this.path.toString());
		}

		@Override
		public String toString() {
			return "file " + this.path;
		}

	}

	record EnvironmentSource(String variable, Map<String, String> environment) implements IdentitySource {

		@Override
		public String identityToken() throws IOException {
			String value = this.environment.get(this.variable);
			if (value == null) {
				throw new IOException("the environment variable " + this.variable + " is not set");
			}
			return token(value, null, "the environment variable " + this.variable);
		}

		@Override
		public String toString() {
			return "environment variable " + this.variable;
		}

	}

	static final class UrlSource implements IdentitySource {

		private static final Duration TIMEOUT = Duration.ofSeconds(10);

		// RFC 9110 §5.1 and §5.5: a token for the name; visible ASCII, space and tab for
		// the value.
		private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

		private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e\\t]*");

		private final URI url;

		private final Map<String, String> headers;

		private final @Nullable String field;

		private final Http http = new Http(TIMEOUT);

		UrlSource(URI url, Map<String, String> headers, @Nullable String field) {
			Endpoints.check(url, "the identity token's URL");
			for (Map.Entry<String, String> header : headers.entrySet()) {
				if (!NAME.matcher(header.getKey()).matches()) {
					throw new IllegalArgumentException("not a header name: '" + header.getKey() + "'");
				}
				if (!VALUE.matcher(header.getValue()).matches()) {
					// Its value may be a credential: never shown.
					throw new IllegalArgumentException("the value of the header " + header.getKey()
							+ " holds a character other than visible ASCII, space and tab");
				}
			}
			this.url = url;
			this.headers = Map.copyOf(headers);
			this.field = field;
		}

		@Override
		public String identityToken() throws IOException {
			HttpRequest.Builder request = HttpRequest.newBuilder(this.url).timeout(TIMEOUT).GET();
			this.headers.forEach(request::header);
			HttpResponse<byte[]> response;
			try {
				response = this.http.send(request.build(), MAX_BYTES);
			}
			catch (TimeoutException ex) {
				throw new IOException(where() + " did not answer in " + TIMEOUT.toSeconds() + " s");
			}
			if (response.statusCode() != 200) {
				throw new IOException(where() + " answered " + response.statusCode());
			}
			return token(new String(response.body(), StandardCharsets.UTF_8), this.field, where());
		}

		private String where() {
			return Endpoints.describe(this.url);
		}

		@Override
		public String toString() {
			return "URL " + where();
		}

	}

}

package dev.writ.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An {@code external_account} credential configuration (Google's AIP-4117), as
 * {@code writ credentials create-config} writes it and Google's auth libraries read it:
 * the token endpoint, the audience to ask for, and where the identity token is.
 *
 * @param tokenUrl Writ's token endpoint
 * @param audience the audience to ask for
 * @param subjectTokenType the identity token's type
 * @param identity where the identity token is read
 */
record CredentialFile(URI tokenUrl, String audience, String subjectTokenType, IdentitySource identity) {

	static CredentialFile read(Path path) throws IOException {
		String where = path.toString();
		byte[] content;
		try (InputStream in = Files.newInputStream(path)) {
			content = in.readNBytes(IdentitySources.MAX_BYTES + 1);
		}
		if (content.length > IdentitySources.MAX_BYTES) {
			throw new IOException(where + " is larger than a credential configuration");
		}
		Map<String, Object> json = Json.object(new String(content, StandardCharsets.UTF_8), where);
		if (!"external_account".equals(json.get("type"))) {
			throw new IOException(where + " is not an external_account credential configuration");
		}
		for (String google : new String[] { "service_account_impersonation_url", "workforce_pool_user_project" }) {
			if (json.containsKey(google)) {
				throw new IOException(where + " has " + google + ", which only Google's token service understands");
			}
		}
		URI tokenUrl;
		try {
			tokenUrl = Endpoints.parse(Json.string(json, "token_url", where), "token_url");
		}
		catch (IllegalArgumentException ex) {
			throw new IOException(where + ": " + ex.getMessage());
		}
		String audience = Json.string(json, "audience", where);
		String type = Json.string(json, "subject_token_type", where);
		if (!(json.get("credential_source") instanceof Map<?, ?> source)) {
			throw new IOException(where + " has no credential_source");
		}
		return new CredentialFile(tokenUrl, audience, type, source(strings(source), where));
	}

	private static IdentitySource source(Map<String, Object> source, String where) throws IOException {
		String field = field(source, where);
		if (source.containsKey("executable")) {
			throw new IOException(where + ": an executable credential_source is not run by writ-client;"
					+ " let the command write a file and name that file");
		}
		if (source.get("file") instanceof String file) {
			return new IdentitySources.FileSource(Path.of(file), field);
		}
		if (source.get("url") instanceof String url) {
			Map<String, String> headers = new LinkedHashMap<>();
			if (source.get("headers") instanceof Map<?, ?> given) {
				for (Map.Entry<?, ?> header : given.entrySet()) {
					if (!(header.getValue() instanceof String value)) {
						throw new IOException(
								where + ": credential_source.headers." + header.getKey() + " is not a string");
					}
					headers.put(String.valueOf(header.getKey()), value);
				}
			}
			try {
				return new IdentitySources.UrlSource(Endpoints.parse(url, "credential_source.url"), headers, field);
			}
			catch (IllegalArgumentException ex) {
				throw new IOException(where + ": " + ex.getMessage());
			}
		}
		throw new IOException(where + ": credential_source names neither a file nor a url");
	}

	/** The JSON field of the format, or null for a text source. */
	private static @Nullable String field(Map<String, Object> source, String where) throws IOException {
		if (!(source.get("format") instanceof Map<?, ?> format)) {
			return null;
		}
		Object type = format.get("type");
		if (type == null || "text".equals(type)) {
			return null;
		}
		if (!"json".equals(type)) {
			throw new IOException(where + ": credential_source.format.type is neither text nor json");
		}
		if (!(format.get("subject_token_field_name") instanceof String name) || name.isEmpty()) {
			throw new IOException(where + ": a json credential_source.format needs subject_token_field_name");
		}
		return name;
	}

	private static Map<String, Object> strings(Map<?, ?> map) {
		Map<String, Object> copy = new LinkedHashMap<>();
		map.forEach((key, value) -> copy.put(String.valueOf(key), value));
		return copy;
	}

}

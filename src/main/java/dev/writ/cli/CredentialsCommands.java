package dev.writ.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.writ.error.Failures;
import dev.writ.request.TokenTypes;
import dev.writ.trust.HttpFetcher;

/**
 * {@code credentials create-config}: writes a credential configuration file of the
 * {@code external_account} kind (Google's AIP-4117), which names Writ's token endpoint,
 * the audience to ask for, and where the workload's own identity token is found. Google's
 * auth libraries (Java, Python, Node, Go) read it and exchange that token at Writ; so
 * will Writ's own client and agent. The file holds no token: only where one is read from,
 * and, for a URL source, the headers to send it (which may be a credential, such as
 * GitHub Actions' request token: the file is written readable by its owner only).
 */
final class CredentialsCommands implements CommandGroup {

	static final String FILE = "--credential-source-file";

	static final String URL = "--credential-source-url";

	static final String HEADER = "--credential-source-header";

	static final String FIELD = "--credential-source-field";

	static final String EXECUTABLE = "--executable-command";

	static final String EXECUTABLE_TIMEOUT = "--executable-timeout-millis";

	static final String EXECUTABLE_OUTPUT = "--executable-output-file";

	private static final Arguments.Syntax CREATE_CONFIG = Arguments.Syntax.of(0)
		.withOptions("--audience", "--token-url", "--issuer", "--subject-token-type", "--output-file", FILE, URL,
				HEADER, FIELD, EXECUTABLE, EXECUTABLE_TIMEOUT, EXECUTABLE_OUTPUT)
		.withFlags(CommandSettings.LOOPBACK_HTTP);

	// The largest metadata document read, as for any trust document's fetch.
	private static final int MAX_METADATA_BYTES = 64 * 1024;

	private final Console console;

	CredentialsCommands(Console console) {
		this.console = console;
	}

	@Override
	public int run(String command, List<String> words) {
		if (!"create-config".equals(command)) {
			throw new UsageException("unknown command: credentials " + command);
		}
		Arguments arguments = Arguments.read(words, CREATE_CONFIG);
		String audience = arguments.option("--audience")
			.orElseThrow(() -> new UsageException("missing --audience: the audience the workload's tokens are for"));
		boolean loopbackHttp = arguments.flag(CommandSettings.LOOPBACK_HTTP);
		String tokenUrl;
		try {
			tokenUrl = tokenUrl(arguments, loopbackHttp);
		}
		catch (IOException ex) {
			this.console.err().println("writ: " + Failures.message(ex));
			return 1;
		}
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("type", "external_account");
		config.put("audience", audience);
		config.put("subject_token_type", subjectTokenType(arguments.option("--subject-token-type").orElse("jwt")));
		config.put("token_url", tokenUrl);
		config.put("credential_source", credentialSource(arguments));
		String json = JSONObjectUtils.toJSONString(config) + "\n";
		Optional<String> output = arguments.option("--output-file");
		if (output.isEmpty()) {
			this.console.out().print(json);
			this.console.out().flush();
			return 0;
		}
		try {
			writeOwnerOnly(Path.of(output.get()), json);
		}
		catch (IOException ex) {
			this.console.err().println("writ: cannot write " + output.get() + ": " + Failures.message(ex));
			return 1;
		}
		this.console.err()
			.println("Wrote a credential configuration for " + audience + " at " + tokenUrl + " to " + output.get()
					+ ".");
		return 0;
	}

	// --token-url as given, or the token endpoint of --issuer's metadata (RFC 8414),
	// whose issuer must be the one asked for.
	private static String tokenUrl(Arguments arguments, boolean loopbackHttp) throws IOException {
		Optional<String> given = arguments.option("--token-url");
		Optional<String> issuer = arguments.option("--issuer");
		if (given.isPresent() == issuer.isPresent()) {
			throw new UsageException("give one of --token-url (Writ's token endpoint) and --issuer (Writ's issuer, "
					+ "whose metadata names the token endpoint)");
		}
		if (given.isPresent()) {
			return endpoint(given.get(), "--token-url", loopbackHttp);
		}
		String base = endpoint(issuer.get(), "--issuer", loopbackHttp);
		URI metadata = URI.create(stripSlash(base) + "/.well-known/oauth-authorization-server");
		HttpFetcher http = new HttpFetcher(Duration.ofSeconds(5), Duration.ofSeconds(10), loopbackHttp);
		Map<String, Object> document;
		try {
			document = JSONObjectUtils.parse(http.get(metadata, MAX_METADATA_BYTES));
		}
		catch (ParseException ex) {
			throw new IOException(metadata + " is not a JSON object");
		}
		if (!base.equals(document.get("issuer")) && !stripSlash(base).equals(document.get("issuer"))) {
			throw new IOException(metadata + " names another issuer (RFC 8414 3.3): " + document.get("issuer"));
		}
		if (!(document.get("token_endpoint") instanceof String endpoint)) {
			throw new IOException(metadata + " names no token_endpoint");
		}
		return endpoint(endpoint, "the metadata's token_endpoint", loopbackHttp);
	}

	static String endpoint(String value, String what, boolean loopbackHttp) {
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			throw new UsageException(what + " is not a URL: " + value);
		}
		String scheme = Objects.requireNonNullElse(uri.getScheme(), "");
		boolean loopback = "localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost())
				|| "[::1]".equals(uri.getHost());
		if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
				|| !("https".equals(scheme) || ("http".equals(scheme) && loopback && loopbackHttp))) {
			throw new UsageException(what + " must be an https URL without query or fragment"
					+ (loopback ? " (plain http to loopback with " + CommandSettings.LOOPBACK_HTTP + ")" : "") + ": "
					+ value);
		}
		return value;
	}

	private static String stripSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	private static String subjectTokenType(String given) {
		return switch (given) {
			case "jwt", TokenTypes.JWT -> TokenTypes.JWT;
			case "id_token", TokenTypes.ID_TOKEN -> TokenTypes.ID_TOKEN;
			default ->
				throw new UsageException("--subject-token-type is jwt or id_token (or their URNs), not " + given);
		};
	}

	// Exactly one source: a file, a URL, or an executable.
	private static Map<String, Object> credentialSource(Arguments arguments) {
		Optional<String> file = arguments.option(FILE);
		Optional<String> url = arguments.option(URL);
		Optional<String> executable = arguments.option(EXECUTABLE);
		int sources = (file.isPresent() ? 1 : 0) + (url.isPresent() ? 1 : 0) + (executable.isPresent() ? 1 : 0);
		if (sources != 1) {
			throw new UsageException(
					"give one credential source: " + FILE + " PATH, " + URL + " URL or " + EXECUTABLE + " COMMAND");
		}
		if (executable.isPresent()) {
			if (arguments.option(FIELD).isPresent() || !arguments.options(HEADER).isEmpty()) {
				throw new UsageException(FIELD + " and " + HEADER + " are for a file or URL source");
			}
			Map<String, Object> command = new LinkedHashMap<>();
			command.put("command", executable.get());
			command.put("timeout_millis", timeoutMillis(arguments.option(EXECUTABLE_TIMEOUT).orElse("30000")));
			arguments.option(EXECUTABLE_OUTPUT).ifPresent((output) -> command.put("output_file", output));
			return Map.of("executable", command);
		}
		if (arguments.option(EXECUTABLE_TIMEOUT).isPresent() || arguments.option(EXECUTABLE_OUTPUT).isPresent()) {
			throw new UsageException(EXECUTABLE_TIMEOUT + " and " + EXECUTABLE_OUTPUT + " are for " + EXECUTABLE);
		}
		Map<String, Object> source = new LinkedHashMap<>();
		if (file.isPresent()) {
			if (!arguments.options(HEADER).isEmpty()) {
				throw new UsageException(HEADER + " is for a URL source");
			}
			source.put("file", file.get());
		}
		else {
			source.put("url", endpoint(url.get(), URL, true));
			Map<String, String> headers = new LinkedHashMap<>();
			for (String header : arguments.options(HEADER)) {
				int equals = header.indexOf('=');
				if (equals < 1) {
					throw new UsageException(HEADER + " is NAME=VALUE");
				}
				headers.put(header.substring(0, equals), header.substring(equals + 1));
			}
			if (!headers.isEmpty()) {
				source.put("headers", headers);
			}
		}
		source.put("format",
				arguments.option(FIELD)
					.<Map<String, Object>>map((field) -> Map.of("type", "json", "subject_token_field_name", field))
					.orElse(Map.of("type", "text")));
		return source;
	}

	private static int timeoutMillis(String given) {
		try {
			int millis = Integer.parseInt(given);
			// Google's libraries take 5 s to 120 s.
			if (millis >= 5000 && millis <= 120000) {
				return millis;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new UsageException(EXECUTABLE_TIMEOUT + " is between 5000 and 120000");
	}

	// Replaced whole (never seen half-written), readable by its owner only: a URL
	// source's headers may hold a credential.
	private static void writeOwnerOnly(Path file, String content) throws IOException {
		Path dir = file.toAbsolutePath().getParent();
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		Path temp = posix
				? Files.createTempFile(dir, ".writ-", ".tmp",
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
				: Files.createTempFile(dir, ".writ-", ".tmp");
		try {
			Files.writeString(temp, content, StandardCharsets.UTF_8);
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			throw new IOException("the file system cannot replace files atomically", ex);
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

}

package dev.writ.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code credentials create-config}: the {@code external_account} file Google's auth
 * libraries read, for each kind of credential source, and every way of asking for a wrong
 * one refused with a usage error.
 */
class CredentialsCommandsTests {

	static final String TOKEN_URL = "https://writ.example.org/oauth2/token";

	@TempDir
	Path root;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return new WritCli(new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8), Clock.systemUTC(), Map.of())
			.run(args);
	}

	private Map<String, Object> printed() throws ParseException {
		return JSONObjectUtils.parse(this.out.toString(StandardCharsets.UTF_8));
	}

	private String errors() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void fileSourceThenATextFormatAndTheTokenEndpoint() throws Exception {
		assertThat(run("credentials", "create-config", "--audience", "https://payments.example.org", "--token-url",
				TOKEN_URL, "--credential-source-file", "/var/run/secrets/tokens/writ"))
			.isZero();
		assertThat(printed()).containsExactlyInAnyOrderEntriesOf(
				Map.of("type", "external_account", "audience", "https://payments.example.org", "subject_token_type",
						"urn:ietf:params:oauth:token-type:jwt", "token_url", TOKEN_URL, "credential_source",
						Map.of("file", "/var/run/secrets/tokens/writ", "format", Map.of("type", "text"))));
	}

	@Test
	void urlSourceWithHeadersAndAFieldThenAJsonFormatInAFileOnlyItsOwnerReads() throws Exception {
		Path file = this.root.resolve("writ-credentials.json");
		assertThat(run("credentials", "create-config", "--audience", "https://deploy.example.org", "--token-url",
				TOKEN_URL, "--subject-token-type", "id_token", "--credential-source-url",
				"https://token.actions.githubusercontent.com/request", "--credential-source-header",
				"Authorization=Bearer request-token", "--credential-source-field", "value", "--output-file",
				file.toString()))
			.isZero();
		Map<String, Object> config = JSONObjectUtils.parse(Files.readString(file));
		assertThat(config).containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:id_token")
			.containsEntry("credential_source",
					Map.of("url", "https://token.actions.githubusercontent.com/request", "headers",
							Map.of("Authorization", "Bearer request-token"), "format",
							Map.of("type", "json", "subject_token_field_name", "value")));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		try (var left = Files.list(this.root)) {
			assertThat(left).containsExactly(file);
		}
		assertThat(this.out.toString(StandardCharsets.UTF_8)).isEmpty();
		assertThat(errors()).doesNotContain("request-token");
	}

	@Test
	void executableSourceThenItsCommandAndTimeout() throws Exception {
		assertThat(
				run("credentials", "create-config", "--audience", "a", "--token-url", TOKEN_URL, "--executable-command",
						"/usr/local/bin/identity --audience a", "--executable-output-file", "/tmp/identity.json"))
			.isZero();
		assertThat(printed()).containsEntry("credential_source",
				Map.of("executable", Map.of("command", "/usr/local/bin/identity --audience a", "timeout_millis", 30000L,
						"output_file", "/tmp/identity.json")));
	}

	@Test
	void issuerThenTheTokenEndpointItsMetadataNamesAndAnotherIssuersRefused() throws Exception {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		String base = "http://127.0.0.1:" + server.getAddress().getPort();
		String[] issuer = { base };
		server.createContext("/.well-known/oauth-authorization-server", (exchange) -> {
			byte[] body = JSONObjectUtils.toJSONString(Map.of("issuer", issuer[0], "token_endpoint", base + "/token"))
				.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		try {
			assertThat(run("credentials", "create-config", "--audience", "a", "--issuer", base, "--allow-loopback-http",
					"--credential-source-file", "/token"))
				.isZero();
			assertThat(printed()).containsEntry("token_url", base + "/token");

			issuer[0] = "https://elsewhere.example.org";
			assertThat(run("credentials", "create-config", "--audience", "a", "--issuer", base, "--allow-loopback-http",
					"--credential-source-file", "/token"))
				.isEqualTo(1);
			assertThat(errors()).contains("names another issuer");
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void wrongAsksThenUsageErrors() throws IOException {
		assertUsage("give one credential source", "--audience", "a", "--token-url", TOKEN_URL);
		assertUsage("give one credential source", "--audience", "a", "--token-url", TOKEN_URL,
				"--credential-source-file", "/t", "--executable-command", "x");
		assertUsage("missing --audience", "--token-url", TOKEN_URL, "--credential-source-file", "/t");
		assertUsage("give one of --token-url", "--audience", "a", "--credential-source-file", "/t");
		assertUsage("give one of --token-url", "--audience", "a", "--token-url", TOKEN_URL, "--issuer",
				"https://writ.example.org", "--credential-source-file", "/t");
		assertUsage("must be an https URL", "--audience", "a", "--token-url", "http://writ.example.org/oauth2/token",
				"--credential-source-file", "/t");
		assertUsage("must be an https URL", "--audience", "a", "--token-url", "http://localhost:8080/oauth2/token",
				"--credential-source-file", "/t");
		assertUsage("is NAME=VALUE", "--audience", "a", "--token-url", TOKEN_URL, "--credential-source-url",
				"https://idp.example.org/token", "--credential-source-header", "Authorization");
		assertUsage("is for a URL source", "--audience", "a", "--token-url", TOKEN_URL, "--credential-source-file",
				"/t", "--credential-source-header", "A=b");
		assertUsage("is between 5000 and 120000", "--audience", "a", "--token-url", TOKEN_URL, "--executable-command",
				"x", "--executable-timeout-millis", "10");
		assertUsage("jwt or id_token", "--audience", "a", "--token-url", TOKEN_URL, "--credential-source-file", "/t",
				"--subject-token-type", "saml2");
		try (var left = Files.list(this.root)) {
			assertThat(left).isEmpty();
		}
	}

	private void assertUsage(String message, String... options) {
		this.err.reset();
		String[] args = new String[options.length + 2];
		args[0] = "credentials";
		args[1] = "create-config";
		System.arraycopy(options, 0, args, 2, options.length);
		assertThat(run(args)).as(String.join(" ", options)).isEqualTo(2);
		assertThat(errors()).as(String.join(" ", options)).contains(message);
	}

}

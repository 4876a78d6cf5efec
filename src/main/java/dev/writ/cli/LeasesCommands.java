package dev.writ.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;

import dev.writ.error.Failures;

/**
 * {@code leases list} and {@code leases revoke}: the leases of just-in-time credentials
 * of a running Writ, through its admin API ({@code GET /admin/leases},
 * {@code POST /admin/leases/revoke}) with a Writ token of scope {@code writ:leases}, read
 * from a file (never an argument, which every user of the machine can see). The leases
 * live in the store of the fleet, so any node answers for all of them.
 */
final class LeasesCommands implements CommandGroup {

	private static final Arguments.Syntax LIST = Arguments.Syntax.of(0)
		.withOptions("--url", "--token-file")
		.withFlags("--json", CommandSettings.LOOPBACK_HTTP);

	private static final Arguments.Syntax REVOKE = Arguments.Syntax.of(0)
		.withOptions("--url", "--token-file", "--lease-id", "--subject", "--grant")
		.withFlags(CommandSettings.LOOPBACK_HTTP);

	private static final int MAX_TOKEN_BYTES = 16 * 1024;

	private final Console console;

	LeasesCommands(Console console) {
		this.console = console;
	}

	@Override
	public int run(String command, List<String> words) {
		return switch (command) {
			case "list" -> list(Arguments.read(words, LIST));
			case "revoke" -> revoke(Arguments.read(words, REVOKE));
			default -> throw new UsageException("unknown command: leases " + command);
		};
	}

	private int list(Arguments arguments) {
		Map<String, Object> body;
		try {
			body = call(arguments, "/admin/leases", null);
		}
		catch (IOException ex) {
			this.console.err().println("writ: " + Failures.message(ex));
			return 1;
		}
		if (arguments.flag("--json")) {
			this.console.out().println(JSONObjectUtils.toJSONString(body));
			return 0;
		}
		List<?> leases = (body.get("leases") instanceof List<?> list) ? list : List.of();
		this.console.out()
			.printf("%-24s %-16s %-40s %-8s %-22s %s%n", "LEASE", "TARGET", "USERNAME", "STATE", "EXPIRES", "SUBJECT");
		for (Object item : leases) {
			if (item instanceof Map<?, ?> lease) {
				Object expires = lease.get("expires_at");
				this.console.out()
					.printf("%-24s %-16s %-40s %-8s %-22s %s%n", lease.get("lease_id"), lease.get("target"),
							lease.get("username"), lease.get("state"),
							(expires instanceof Number seconds) ? Instant.ofEpochSecond(seconds.longValue()) : "",
							lease.get("subject"));
			}
		}
		this.console.out().println(leases.size() + " leases");
		return 0;
	}

	private int revoke(Arguments arguments) {
		String[] selectors = { "--lease-id", "--subject", "--grant" };
		String chosen = null;
		for (String selector : selectors) {
			if (arguments.option(selector).isPresent()) {
				if (chosen != null) {
					throw new UsageException("give one of --lease-id, --subject and --grant");
				}
				chosen = selector;
			}
		}
		if (chosen == null) {
			throw new UsageException("give one of --lease-id, --subject and --grant");
		}
		String field = chosen.substring(2).replace('-', '_');
		String value = arguments.option(chosen).orElseThrow();
		try {
			Map<String, Object> body = call(arguments, "/admin/leases/revoke",
					JSONObjectUtils.toJSONString(Map.of(field, value)));
			List<?> revoked = (body.get("revoked") instanceof List<?> list) ? list : List.of();
			revoked.forEach((id) -> this.console.out().println(id));
			this.console.err().println("Revoked " + revoked.size() + " leases.");
			return 0;
		}
		catch (IOException ex) {
			this.console.err().println("writ: " + Failures.message(ex));
			return 1;
		}
	}

	private static Map<String, Object> call(Arguments arguments, String path, @Nullable String json)
			throws IOException {
		String url = CredentialsCommands.endpoint(
				arguments.option("--url").orElseThrow(() -> new UsageException("missing --url: Writ's base URL")),
				"--url", arguments.flag(CommandSettings.LOOPBACK_HTTP));
		Path tokenFile = Path.of(arguments.option("--token-file")
			.orElseThrow(() -> new UsageException(
					"missing --token-file: a file holding a Writ token with scope " + "writ:leases")));
		byte[] bytes = Files.readAllBytes(tokenFile);
		if (bytes.length > MAX_TOKEN_BYTES) {
			throw new IOException(tokenFile + " is larger than a token");
		}
		String token = new String(bytes, StandardCharsets.US_ASCII).strip();
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create((url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + path))
			.timeout(Duration.ofSeconds(10))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json");
		if (json != null) {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
		}
		HttpResponse<String> answer;
		try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
			answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		Map<String, Object> body;
		try {
			body = JSONObjectUtils.parse(answer.body());
		}
		catch (ParseException ex) {
			throw new IOException(path + " answered " + answer.statusCode() + " without a JSON object");
		}
		if (answer.statusCode() != 200) {
			throw new IOException(
					path + " answered " + answer.statusCode() + ": " + Optional.ofNullable(body.get("error")).orElse("")
							+ " " + Optional.ofNullable(body.get("error_description")).orElse(""));
		}
		return body;
	}

}

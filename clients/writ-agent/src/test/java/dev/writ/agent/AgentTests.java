package dev.writ.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent and {@code token} against a real Writ. */
class AgentTests {

	static final String WORKLOAD = "spiffe://demo.writ.local/ns/app/sa/ci";

	static final String POLICIES = """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			grants:
			  - id: short
			    subject: spiffe://demo.writ.local/ns/app/sa/ci
			    audience: https://short.example.org
			    scopes: [short:read]
			    ttl: 5s
			  - id: deploy
			    subject: spiffe://demo.writ.local/ns/app/sa/ci
			    audience: https://deploy.example.org
			    scopes: [deploy:payments]
			""";

	private static WritTestServer writ;

	private static Path identity;

	@TempDir
	Path dir;

	@BeforeAll
	static void startWrit() {
		writ = WritTestServer.builder().policies("site.yaml", POLICIES).start();
		identity = writ.identityFile(WORKLOAD, Duration.ofHours(1));
	}

	@AfterAll
	static void stopWrit() {
		writ.close();
	}

	private Path config(String targets) throws IOException {
		return Files.writeString(this.dir.resolve("agent.json"), """
				{"issuer": "%s", "identity_file": "%s", "targets": %s,
				 "status_file": "%s", "health_address": "127.0.0.1:0"}
				""".formatted(writ.issuer(), identity, targets, this.dir.resolve("status/status.json")));
	}

	@Test
	void fiveSecondTokenThenItsFileRewrittenBeforeExpiryOwnerOnlyAndNeverSeenHalfWritten() throws Exception {
		Path file = this.dir.resolve("run/short.token");
		Path config = config("[{\"audience\": \"https://short.example.org\", \"scopes\": [\"short:read\"], \"file\": \""
				+ file + "\"}]");
		ByteArrayOutputStream log = new ByteArrayOutputStream();
		Set<String> seen = new LinkedHashSet<>();
		List<String> problems = new ArrayList<>();
		int reads = 0;
		try (Agent agent = Agent.start(AgentConfig.read(config), new PrintStream(log, true, StandardCharsets.UTF_8))) {
			assertThat(file).exists();
			assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
			long end = System.nanoTime() + Duration.ofSeconds(13).toNanos();
			while (System.nanoTime() < end) {
				String content;
				try {
					content = Files.readString(file);
				}
				catch (NoSuchFileException ex) {
					problems.add("the file was missing");
					continue;
				}
				reads++;
				try {
					JWTClaimsSet claims = SignedJWT.parse(content).getJWTClaimsSet();
					if (!claims.getExpirationTime().toInstant().isAfter(Instant.now())) {
						problems.add("an expired token in the file: " + claims.getJWTID());
					}
					if (seen.add(content)) {
						assertThat(claims.getAudience()).containsExactly("https://short.example.org");
					}
				}
				catch (ParseException ex) {
					problems.add("not a whole JWT: " + content.length() + " characters");
				}
			}
			HttpResponse<String> health = get(agent.healthAddress(), "/healthz");
			assertThat(health.statusCode()).isEqualTo(200);
			Map<String, Object> status = JSONObjectUtils.parse(health.body());
			assertThat(status).containsEntry("healthy", true);
			assertThat(health.body()).contains("https://short.example.org").contains(file.toString());
			for (String token : seen) {
				assertThat(health.body()).doesNotContain(token);
				assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(token);
			}
			String statusFile = Files.readString(this.dir.resolve("status/status.json"));
			assertThat(JSONObjectUtils.parse(statusFile)).containsEntry("healthy", true);
		}
		assertThat(problems).isEmpty();
		assertThat(reads).isGreaterThan(1000);
		// A 5 s token refreshed at 60-75% of its life: 3 to 5 in 13 s.
		assertThat(seen).as("tokens the file held").hasSizeBetween(3, 6);
		assertThat(Files.list(file.getParent())).as("no temporary file left").containsExactly(file);
	}

	@Test
	void targetWritRefusesThenUnhealthyWithWritsErrorAndNoFile() throws Exception {
		Path file = this.dir.resolve("nowhere.token");
		Path config = config("[{\"audience\": \"https://nowhere.example.org\", \"file\": \"" + file + "\"}]");
		ByteArrayOutputStream log = new ByteArrayOutputStream();
		try (Agent agent = Agent.start(AgentConfig.read(config), new PrintStream(log, true, StandardCharsets.UTF_8))) {
			HttpResponse<String> health = get(agent.healthAddress(), "/healthz");
			assertThat(health.statusCode()).isEqualTo(503);
			assertThat(health.body()).contains("\"healthy\":false").contains("\"error\":\"invalid_target\"");
			assertThat(file).doesNotExist();
			assertThat(log.toString(StandardCharsets.UTF_8)).contains("no token for https://nowhere.example.org")
				.contains("invalid_target");
		}
	}

	@Test
	void configWithSeveralProblemsThenEachListed() throws IOException {
		Path config = Files.writeString(this.dir.resolve("bad.json"), """
				{"issuer": "https://writ.example.org", "identty_file": "/x",
				 "targets": [{"audience": "a", "file": "/run/t", "scope": ["x"]},
				             {"audience": "b", "file": "/run/t"}, {"audience": "c"}],
				 "health_address": "everywhere"}
				""");
		assertThatThrownBy(() -> AgentConfig.read(config)).isInstanceOfSatisfying(UsageException.class,
				(ex) -> assertThat(ex.problems()).hasSize(5)
					.anySatisfy((p) -> assertThat(p).contains("unknown key 'identty_file'"))
					.anySatisfy((p) -> assertThat(p).contains("targets[0]: unknown key 'scope'"))
					.anySatisfy((p) -> assertThat(p).contains("targets[1].file: another target writes /run/t"))
					.anySatisfy((p) -> assertThat(p).contains("targets[2].file"))
					.anySatisfy((p) -> assertThat(p).contains("health_address is HOST:PORT")));
	}

	@Test
	void configWritingOverItsOwnFilesThenRefused() throws IOException {
		Path config = Files.writeString(this.dir.resolve("overwrites.json"), """
				{"issuer": "https://writ.example.org", "identity_file": "/run/id.jwt",
				 "targets": [{"audience": "a", "file": "/run/id.jwt"}, {"audience": "b", "file": "/run/b.token"}],
				 "status_file": "/run/b.token", "file_mode": "0666"}
				""");
		assertThatThrownBy(() -> AgentConfig.read(config)).isInstanceOfSatisfying(UsageException.class,
				(ex) -> assertThat(ex.problems()).hasSize(3)
					.anySatisfy((p) -> assertThat(p).contains("the token file /run/id.jwt is the agent's own identity"))
					.anySatisfy((p) -> assertThat(p).contains("status_file /run/b.token is a token"))
					.anySatisfy((p) -> assertThat(p).contains("file_mode is")));
	}

	@Test
	void groupReadableAndStatusOnEveryInterfaceThenFile0640AndAWarning() throws Exception {
		Path file = this.dir.resolve("deploy.token");
		Path config = Files.writeString(this.dir.resolve("group.json"), """
				{"issuer": "%s", "identity_file": "%s", "file_mode": "0640", "health_address": "0.0.0.0:0",
				 "targets": [{"audience": "https://deploy.example.org", "scopes": ["deploy:payments"], "file": "%s"}]}
				""".formatted(writ.issuer(), identity, file));
		ByteArrayOutputStream log = new ByteArrayOutputStream();
		try (Agent agent = Agent.start(AgentConfig.read(config), new PrintStream(log, true, StandardCharsets.UTF_8))) {
			assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
			assertThat(log.toString(StandardCharsets.UTF_8)).contains("is open to whoever reaches it");
			assertThat(get(agent.healthAddress(), "/healthz").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void tokenCommandThenOneTokenOnItsLine() throws ParseException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = WritAgentCli.run(
				new String[] { "token", "--issuer", writ.issuer(), "--identity-file", identity.toString(), "--audience",
						"https://deploy.example.org", "--scope", "deploy:payments" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
				Map.of());
		assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(WritAgentCli.OK);
		String printed = out.toString(StandardCharsets.UTF_8);
		assertThat(printed).endsWith("\n").hasLineCount(1);
		JWTClaimsSet claims = SignedJWT.parse(printed.strip()).getJWTClaimsSet();
		assertThat(claims.getAudience()).containsExactly("https://deploy.example.org");
		assertThat(claims.getStringClaim("scope")).isEqualTo("deploy:payments");
	}

	@Test
	void tokenCommandRefusedThenExitOneWithWritsErrorAndNothingOnStandardOutput() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = WritAgentCli.run(
				new String[] { "token", "--issuer", writ.issuer(), "--identity-file", identity.toString(), "--audience",
						"https://nowhere.example.org" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
				Map.of());
		assertThat(status).isEqualTo(WritAgentCli.NO_TOKEN);
		assertThat(out.size()).isZero();
		assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("writ-agent: no token: invalid_target");
	}

	@Test
	void tokenCommandMisusedThenExitTwoWithEveryProblem() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = WritAgentCli.run(
				new String[] { "token", "--issuer", "https://writ.example.org", "--identity-file", "/t",
						"--identity-env", "X", "--subject-token-type", "saml" },
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
		assertThat(status).isEqualTo(WritAgentCli.USAGE);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("not identity_file and identity_env")
			.contains("subject_token_type is jwt or id_token, not 'saml'");
	}

	private static HttpResponse<String> get(InetSocketAddress address, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

}

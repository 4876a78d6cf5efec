package dev.writ.cli;

import dev.writ.request.TokenTypes;
import dev.writ.testing.TestTrust;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import static org.assertj.core.api.Assertions.assertThat;

class WritCliTests {

	@TempDir
	Path root;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return new WritCli(new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8), Clock.systemUTC())
			.run(args);
	}

	@Test
	void devSvidThenJwtSvidThatTheDemoBundleVerifies() throws IOException {
		String keys = this.root.resolve("keys").toString();

		int exit = run("dev", "svid", "spiffe://demo.writ.local/ns/demo/sa/orders", "--audience", "https://writ.example.org",
				"--ttl", "2m", "--keys", keys);

		assertThat(exit).isZero();
		String svid = this.out.toString(StandardCharsets.UTF_8).trim();
		TrustSet trust = TrustSet.of(List.of(TestTrust.factory(Clock.systemUTC()).spiffeBundle(
				TrustDomain.parse("demo.writ.local"), Files.readString(this.root.resolve("keys/trust/demo.writ.local.bundle.json")))));
		assertThat(new SubjectTokenVerifier(Set.of("https://writ.example.org"), Duration.ZERO, Clock.systemUTC())
			.verify(svid, TokenTypes.JWT, trust)
			.subject()).isEqualTo("spiffe://demo.writ.local/ns/demo/sa/orders");
		assertThat(this.err.toString(StandardCharsets.UTF_8)).doesNotContain(svid);
	}

	@Test
	void devSvidWhenNotASpiffeIdThenUsageError() {
		assertThat(run("dev", "svid", "https://demo.writ.local/a", "--keys", this.root.toString())).isEqualTo(2);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("not a SPIFFE ID");
	}

	@Test
	void policyCheckWhenSoundThenZero() throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"), "spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n");

		assertThat(run("policy", "check", policies.toString(), "--keys", this.root.resolve("keys").toString())).isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("OK: ").contains("0 grant(s)");
	}

	@Test
	void policyCheckWhenProblemsThenEveryOneWithFileAndLineAndExitOne() throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("grants.yaml"), """
				grants:
				  - id: a
				    subject: spiffe://nowhere.example.org/a
				    audience: https://a.example.org
				    scopes: [read]
				    ttl: 10h
				""");

		assertThat(run("policy", "check", policies.toString(), "--keys", this.root.toString())).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("2 problem(s)")
			.contains("grants.yaml:3: subject is in trust domain nowhere.example.org")
			.contains("grants.yaml:6: ttl 10h exceeds");
	}

	@Test
	void runWhenUnknownCommandOrBadDurationThenUsage() {
		assertThat(run("policy", "frobnicate")).isEqualTo(2);
		assertThat(run("policy", "check", "--max-ttl", "forever")).isEqualTo(2);
		assertThat(run("help")).isZero();
		assertThat(WritCli.isCommand(new String[] { "--server.port=9" })).isFalse();
	}

}

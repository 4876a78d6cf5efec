package dev.writ.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.writ.keys.DemoAuthority;
import dev.writ.request.TokenTypes;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustSet;

import static org.assertj.core.api.Assertions.assertThat;

class WritCliTests {

	@TempDir
	Path root;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return run(Clock.systemUTC(), args);
	}

	private int run(Clock clock, String... args) {
		return run(clock, Map.of(), args);
	}

	private int run(Clock clock, Map<String, String> environment, String... args) {
		return new WritCli(new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8), clock, environment)
			.run(args);
	}

	@Test
	void policyCheckWithTheRegisterThenEachEntryNotOkWithItsStateAndLineAndStrictFailsOnExpiredAndOwnerUnknown()
			throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("register-policies"));
		Files.writeString(policies.resolve("register.yaml"), dev.writ.policy.load.ApiKeyRegisterTests.REGISTER);
		Clock today = Clock.fixed(java.time.Instant.parse("2026-12-04T12:00:00Z"), java.time.ZoneOffset.UTC);

		assertThat(run(today, Map.of(), "policy", "check", policies.toString())).isZero();
		String printed = this.out.toString(StandardCharsets.UTF_8);
		assertThat(printed).contains("api keys: 6 remaining (3 transitional, 3 permanent): 1 owner-unknown, 1 expired,"
				+ " 1 rotation-due, 1 review-due, 2 ok");
		assertThat(printed).containsPattern("owner-unknown +legacy-owner-unknown .*register.yaml:43\\)")
			.containsPattern("expired +search-expired .*owner platform-team, expires 2026-11-30 .*register.yaml:34\\)")
			.contains("rotation-due")
			.contains("review-due")
			.doesNotContain("crm-ok");

		this.out.reset();
		assertThat(run(today, Map.of(), "policy", "check", policies.toString(), "--strict")).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8))
			.contains("--strict: 2 api key exception(s) expired or without a known owner");
	}

	@Test
	void policyCheckWhenServerSettingsInTheEnvironmentThenTheyApplyUnlessAnOptionIsGiven() throws IOException {
		Path keys = this.root.resolve("keys");
		TestAuthority.ec("prod.example.org", Clock.systemUTC()).writeBundle(keys.resolve("trust/prod.json"));
		Path policies = Files.createDirectories(this.root.resolve("server-policies"));
		Files.writeString(policies.resolve("policies.yaml"), """
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.json }
				grants:
				  - id: long
				    subject: spiffe://prod.example.org/batch
				    audience: https://ledger.example.org
				    scopes: []
				    ttl: 30m
				""");
		// As in the server's container: WRIT_POLICIESDIR, WRIT_KEYSDIR and a cap of 10
		// minutes.
		Map<String, String> server = Map.of("WRIT_POLICIESDIR", policies.toString(), "WRIT_KEYSDIR", keys.toString(),
				"WRIT_TOKEN_MAX_TTL", "10m");

		assertThat(run(Clock.systemUTC(), server, "policy", "check")).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8) + this.out.toString(StandardCharsets.UTF_8))
			.contains("ttl 30m exceeds the server's cap of 600s");
		assertThat(run(Clock.systemUTC(), server, "policy", "check", "--max-ttl", "1h")).isZero();
	}

	@Test
	void keysGenerateRotateListThenTheServersSchedule() throws IOException {
		String keys = this.root.resolve("keys").toString();
		java.time.Instant t0 = java.time.Instant.parse("2026-11-01T00:00:00Z");

		assertThat(run(Clock.fixed(t0, java.time.ZoneOffset.UTC), "keys", "generate", "--keys", keys)).isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("signing-20261101T000000Z.pem")
			.contains("signs at once");
		assertThat(run(Clock.fixed(t0, java.time.ZoneOffset.UTC), "keys", "generate", "--keys", keys)).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("already holds signing keys")
			.contains("keys rotate");

		java.time.Instant t1 = t0.plus(Duration.ofDays(30));
		assertThat(run(Clock.fixed(t1, java.time.ZoneOffset.UTC), "keys", "rotate", "--keys", keys, "--publish-ahead",
				"2h"))
			.isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("signing-20261201T000000Z.pem")
			.contains("signs from 2026-12-01T02:00:00Z (publish-ahead 2h)")
			.contains("stays published until 2026-12-01T03:01:30Z");

		this.out.reset();
		assertThat(run(Clock.fixed(t1.plusSeconds(60), java.time.ZoneOffset.UTC), "keys", "list", "--keys", keys,
				"--publish-ahead", "2h"))
			.isZero();
		List<String> lines = this.out.toString(StandardCharsets.UTF_8).lines().toList();
		assertThat(lines).hasSize(3);
		assertThat(lines.get(1)).startsWith("active").endsWith("signing-20261101T000000Z.pem");
		assertThat(lines.get(2)).startsWith("next")
			.contains("2026-12-01T02:00:00Z")
			.endsWith("signing-20261201T000000Z.pem");
		assertThat(this.out.toString(StandardCharsets.UTF_8)).doesNotContain("PRIVATE");
	}

	@Test
	void keysRotateWhenADirectoryFileIsBadThenNothingAdded() throws IOException {
		Path keys = Files.createDirectories(this.root.resolve("keys"));
		Path bad = Files.writeString(keys.resolve("bad.pem"), "garbage");
		Files.setPosixFilePermissions(bad, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

		assertThat(run("keys", "rotate", "--keys", keys.toString())).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("bad.pem");
		try (var files = Files.list(keys)) {
			assertThat(files).containsExactly(bad);
		}
	}

	private Path demoPolicies() throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"),
				"spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n");
		return policies;
	}

	@Test
	void devSvidThenJwtSvidThatTheDemoBundleVerifies() throws IOException {
		String keys = this.root.resolve("keys").toString();

		int exit = run("dev", "svid", "spiffe://demo.writ.local/ns/demo/sa/orders", "--audience",
				"https://writ.example.org", "--ttl", "2m", "--keys", keys, "--policies", demoPolicies().toString());

		assertThat(exit).isZero();
		String svid = this.out.toString(StandardCharsets.UTF_8).trim();
		TrustSet trust = TrustSet.of(List.of(TestTrust.factory(Clock.systemUTC())
			.spiffeBundle(TrustDomain.parse("demo.writ.local"),
					Files.readString(this.root.resolve("keys/trust/demo.writ.local.bundle.json")))));
		assertThat(new SubjectTokenVerifier(Set.of("https://writ.example.org"), Duration.ZERO, Clock.systemUTC())
			.verify(svid, TokenTypes.JWT, trust)
			.subject()).isEqualTo("spiffe://demo.writ.local/ns/demo/sa/orders");
		assertThat(this.err.toString(StandardCharsets.UTF_8)).doesNotContain(svid);
	}

	@Test
	void devSvidWhenNoDemoEntryForTheTrustDomainThenRefusedAndNothingWritten() throws IOException {
		Path policies = demoPolicies();
		Path keys = Files.createDirectories(this.root.resolve("keys"));
		List<Path> before;
		try (var files = Files.walk(keys)) {
			before = files.sorted().toList();
		}

		assertThat(run("dev", "svid", "spiffe://demo.writ.locl/ns/demo/sa/orders", "--keys", keys.toString(),
				"--policies", policies.toString()))
			.isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8))
			.contains("no demo entry for demo.writ.locl in " + policies)
			.contains("its demo trust domains: demo.writ.local");
		try (var files = Files.walk(keys)) {
			assertThat(files.sorted().toList()).isEqualTo(before);
		}
	}

	@Test
	void devSvidWhenNoPoliciesDirectoryThenOnlyWithTheDemoKeyWritGenerated() throws IOException {
		Path keys = this.root.resolve("keys");
		String missing = this.root.resolve("no-policies").toString();
		assertThat(run("dev", "svid", "spiffe://demo.writ.local/a", "--keys", keys.toString(), "--policies", missing))
			.isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("no demo key for demo.writ.local");
		assertThat(keys).doesNotExist();

		// The compose file's minter: keys/demo alone, the key Writ generated for its demo
		// entry when it started.
		DemoAuthority.of(keys, TrustDomain.parse("demo.writ.local")).ensure();
		assertThat(run("dev", "svid", "spiffe://demo.writ.local/a", "--keys", keys.toString(), "--policies", missing))
			.isZero();
	}

	@Test
	void devSvidWhenNoAudienceThenTheIssuerTheServerWouldTake() throws Exception {
		String keys = this.root.resolve("keys").toString();
		String policies = demoPolicies().toString();

		assertThat(run(Clock.systemUTC(), Map.of("SERVER_PORT", "18081"), "dev", "svid", "spiffe://demo.writ.local/a",
				"--keys", keys, "--policies", policies))
			.isZero();
		assertThat(com.nimbusds.jwt.SignedJWT.parse(this.out.toString(StandardCharsets.UTF_8).trim())
			.getJWTClaimsSet()
			.getAudience()).containsExactly("http://localhost:18081");
		this.out.reset();
		assertThat(run(Clock.systemUTC(), Map.of("WRIT_ISSUER", "https://writ.example.org", "SERVER_PORT", "18081"),
				"dev", "svid", "spiffe://demo.writ.local/a", "--keys", keys, "--policies", policies))
			.isZero();
		assertThat(com.nimbusds.jwt.SignedJWT.parse(this.out.toString(StandardCharsets.UTF_8).trim())
			.getJWTClaimsSet()
			.getAudience()).containsExactly("https://writ.example.org");
	}

	@Test
	void helpAfterAnyCommandThenUsageWithTheConfiguredIssuer() {
		for (String[] args : List.of(new String[] { "dev", "svid", "--help" }, new String[] { "policy", "check", "-h" },
				new String[] { "keys", "--help" }, new String[] { "--help" })) {
			this.out.reset();
			assertThat(run(Clock.systemUTC(), Map.of("SERVER_PORT", "18081"), args)).as(String.join(" ", args))
				.isZero();
			assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("usage: java -jar writ.jar")
				.contains("serve at http://localhost:18081");
		}
		assertThat(this.err.toString(StandardCharsets.UTF_8)).isEmpty();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void policyCheckWhenADemoEntryThenSaysSoOnce(CapturedOutput output) throws IOException {
		assertThat(run("policy", "check", demoPolicies().toString(), "--keys", this.root.resolve("keys").toString()))
			.isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains(
				"note: demo.writ.local is a demo trust domain (" + this.root.resolve("policies/trust.yaml") + ":2)");
		assertThat(this.err.toString(StandardCharsets.UTF_8)).doesNotContain("DEMO TRUST");
		assertThat(output.getAll()).doesNotContain("DEMO TRUST");
	}

	@Test
	void policyCommandsWhenNoKeysYetThenWriteNothing() throws IOException {
		Path policies = demoPolicies();
		Files.writeString(policies.resolve("grants.yaml"), """
				grants:
				  - id: orders
				    subject: spiffe://demo.writ.local/ns/demo/sa/orders
				    audience: https://inventory.example.org
				    scopes: [read]
				""");
		Files.createDirectories(policies.resolve("tests"));
		Files.writeString(policies.resolve("tests/orders.yaml"), """
				tests:
				  - name: orders reads
				    subject: spiffe://demo.writ.local/ns/demo/sa/orders
				    request: { audience: https://inventory.example.org }
				    expect: { decision: allow, grant: orders }
				""");
		String keys = this.root.resolve("keys").toString();
		List<Path> before;
		try (var files = Files.walk(this.root)) {
			before = files.sorted().toList();
		}

		assertThat(run("policy", "check", policies.toString(), "--keys", keys)).isZero();
		assertThat(run("policy", "test", policies.toString(), "--keys", keys)).isZero();
		assertThat(run("policy", "explain", policies.toString(), "--keys", keys, "--subject",
				"spiffe://demo.writ.local/ns/demo/sa/orders", "--audience", "https://inventory.example.org"))
			.isZero();

		try (var files = Files.walk(this.root)) {
			assertThat(files.sorted().toList()).isEqualTo(before);
		}
		assertThat(this.out.toString(StandardCharsets.UTF_8))
			.contains("demo.writ.local is a demo trust domain (" + policies.resolve("trust.yaml") + ":2): remove it "
					+ "before production; its key is generated when Writ starts, or by dev svid")
			.contains("decision:   ALLOW by grant orders: https://inventory.example.org [read] for ")
			.contains("subject:    spiffe://demo.writ.local/ns/demo/sa/orders from spiffe://demo.writ.local")
			.containsPattern("grants:\\R  orders +CHOSEN");
	}

	@Test
	void isCommandWhenAMistypedCommandThenACommandNotTheServer() {
		assertThat(WritCli.isCommand(new String[] { "polcy", "check" })).isTrue();
		assertThat(WritCli.isCommand(new String[] { "serve" })).isTrue();
		assertThat(WritCli.isCommand(new String[] {})).isFalse();
		assertThat(WritCli.isCommand(new String[] { "--server.port=18081", "--writ.issuer=https://w.example" }))
			.isFalse();
		assertThat(WritCli.isCommand(new String[] { "--help" })).isTrue();
	}

	@Test
	void runWhenUnknownCommandThenUsageErrorListingTheCommands() {
		assertThat(run("polcy", "check")).isEqualTo(2);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("unknown command 'polcy'")
			.contains("policy check|test|explain")
			.contains("Writ serves");
	}

	@Test
	void runWhenAnOptionTheCommandDoesNotTakeThenUsageErrorNamingIt() {
		assertThat(run("policy", "check", "--kyes", this.root.toString())).isEqualTo(2);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("unknown option: --kyes");
	}

	@Test
	void policyTestWhenOptionsBeforeTheDirectoryThenTheDirectoryStill() throws IOException {
		Path policies = demoPolicies();

		assertThat(
				run("policy", "test", "--explain", "--keys", this.root.resolve("keys").toString(), policies.toString()))
			.isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("no test cases in " + policies.resolve("tests"));
	}

	@Test
	void devSvidWhenNotASpiffeIdThenUsageError() {
		assertThat(run("dev", "svid", "https://demo.writ.local/a", "--keys", this.root.toString())).isEqualTo(2);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("not a SPIFFE ID");
	}

	@Test
	void policyExplainWithAnActorThenTheDelegationGrantDecidesAndTheActorIsNamed() throws IOException {
		Path policies = demoPolicies();
		Files.writeString(policies.resolve("grants.yaml"), """
				grants:
				  - id: gateway-for-orders
				    subject: spiffe://demo.writ.local/ns/demo/sa/orders
				    actor: spiffe://demo.writ.local/ns/edge/sa/gateway
				    audience: https://inventory.example.org
				    scopes: [read]
				""");
		String keys = this.root.resolve("keys").toString();

		assertThat(run("policy", "explain", policies.toString(), "--keys", keys, "--subject",
				"spiffe://demo.writ.local/ns/demo/sa/orders", "--actor", "spiffe://demo.writ.local/ns/edge/sa/gateway",
				"--audience", "https://inventory.example.org"))
			.isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("decision:   ALLOW by grant gateway-for-orders")
			.contains("actor:      spiffe://demo.writ.local/ns/edge/sa/gateway from spiffe://demo.writ.local");

		this.out.reset();
		assertThat(run("policy", "explain", policies.toString(), "--keys", keys, "--subject",
				"spiffe://demo.writ.local/ns/demo/sa/orders", "--audience", "https://inventory.example.org"))
			.isEqualTo(3);
		assertThat(this.out.toString(StandardCharsets.UTF_8))
			.containsPattern("gateway-for-orders +ACTOR +a delegation grant: the request has no actor_token");
		assertThat(run("policy", "explain", policies.toString(), "--keys", keys, "--subject",
				"spiffe://demo.writ.local/ns/demo/sa/orders", "--actor-trust", "ci"))
			.isEqualTo(2);

		Files.writeString(policies.resolve("hops.yaml"), """
				grants:
				  - id: inventory-for-orders
				    subject: spiffe://demo.writ.local/ns/demo/sa/orders
				    from_audience: https://inventory.example.org
				    actor: spiffe://demo.writ.local/ns/demo/sa/inventory
				    audience: https://warehouse.example.org
				    scopes: [read]
				""");
		this.out.reset();
		assertThat(run("policy", "explain", policies.toString(), "--keys", keys, "--subject",
				"spiffe://demo.writ.local/ns/demo/sa/orders", "--writ-token-for", "https://inventory.example.org",
				"--writ-token-grant", "gateway-for-orders", "--writ-token-scope", "read", "--actor",
				"spiffe://demo.writ.local/ns/demo/sa/inventory", "--audience", "https://warehouse.example.org"))
			.isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8))
			.contains("decision:   ALLOW by grant inventory-for-orders: https://warehouse.example.org [read]")
			.contains("presented:  a Writ token for https://inventory.example.org by grant gateway-for-orders, "
					+ "chain depth 1");
	}

	@Test
	void policyCheckWhenSoundThenZero() throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"),
				"spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n");

		assertThat(run("policy", "check", policies.toString(), "--keys", this.root.resolve("keys").toString()))
			.isZero();
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

	@Test
	void explainWhenCredentialThenTheCredentialGrantDecidesAndATokenRequestIsRefused() {
		String example = Path.of("docs/examples/credentials").toString();
		String keys = this.root.resolve("keys").toString();

		assertThat(run("policy", "explain", example, "--keys", keys, "--subject",
				"spiffe://prod.example.org/ns/prod/sa/checkout", "--audience", "postgresql://orders-db.internal/orders",
				"--credential"))
			.isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("ALLOW by grant checkout-reads-orders");

		this.out.reset();
		assertThat(run("policy", "explain", example, "--keys", keys, "--subject",
				"spiffe://prod.example.org/ns/prod/sa/checkout", "--audience",
				"postgresql://orders-db.internal/orders"))
			.isEqualTo(3);
		assertThat(this.out.toString(StandardCharsets.UTF_8)).containsPattern(
				"checkout-reads-orders +TARGET +issues credentials for postgresql://orders-db.internal/orders, not tokens");
	}

}

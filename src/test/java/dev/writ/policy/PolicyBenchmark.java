package dev.writ.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.writ.context.ExchangeContext;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;
import dev.writ.trust.VerifiedSubject;
import dev.writ.policy.load.PolicyLoader;

/**
 * What policies cost per exchange: one three-clause CEL condition alone, and a whole
 * decision over a policy set of 50 grants (subject match, target, pins, condition, token
 * claims). Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
public class PolicyBenchmark {

	private Condition condition;

	private Map<String, Object> activation;

	private PolicySet policies;

	private ExchangeContext context;

	@Setup
	public void setUp() throws IOException {
		this.condition = Condition.compile(
				"attributes.environment == 'prod' && request.params.tenant == attributes.tenant && 'read' in request.scopes");
		this.activation = Map.of("subject", "spiffe://saas.example.org/tenant/acme/svc/reports", "source",
				"spiffe://saas.example.org", "claims", Map.of(), "attributes",
				Map.of("environment", "prod", "tenant", "acme"), "request",
				Map.of("audience", "https://data.example.org", "resource", "", "scopes", List.of("read"), "params",
						Map.of("tenant", "acme")),
				"now", 1_800_000_000L);

		Path root = Files.createTempDirectory("writ-bench-");
		Clock clock = Clock.systemUTC();
		TestAuthority authority = TestAuthority.ec("saas.example.org", clock);
		authority.writeBundle(root.resolve("keys/trust/saas.json"));
		StringBuilder grants = new StringBuilder("""
				spiffe:
				  - trust_domain: saas.example.org
				    bundle: { file: keys/trust/saas.json }
				    attributes: { environment: "spiffe.path[1]", tenant: "spiffe.path[3]" }
				parameters: [tenant]
				grants:
				""");
		for (int i = 0; i < 49; i++) {
			grants.append("""
					  - id: other-%d
					    subject_pattern: spiffe://saas\\.example\\.org/env/[a-z]+/tenant/[a-z]+/svc/other-%d
					    audience: https://other-%d.example.org
					    scopes: [read]
					""".formatted(i, i, i));
		}
		grants
			.append("""
					  - id: tenant-data
					    subject_pattern: spiffe://saas\\.example\\.org/env/[a-z]+/tenant/[a-z]+/svc/reports
					    audience: https://data.example.org
					    scopes: [read, write]
					    when: attributes.environment == 'prod' && request.params.tenant == attributes.tenant && 'read' in request.scopes
					    token_claims: { tenant: attributes.tenant }
					""");
		Files.createDirectories(root.resolve("policies"));
		Files.writeString(root.resolve("policies/p.yaml"), grants);
		this.policies = new PolicyLoader(TestTrust.factory(clock), root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(root.resolve("policies"));
		String token = authority.svid("/env/prod/tenant/acme/svc/reports").expiresIn(Duration.ofHours(24)).sign();
		VerifiedSubject subject = TestTrust.verifier(clock).verify(token, TokenTypes.JWT, this.policies.trust());
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of(token));
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		form.put("audience", List.of("https://data.example.org"));
		form.put("scope", List.of("read"));
		form.put("tenant", List.of("acme"));
		this.context = this.policies.context(subject, new ExchangeRequestParser().parse(form), clock.instant());
		if (!(this.policies.decide(this.context) instanceof Decision.Allow)) {
			throw new IllegalStateException("the benchmark's exchange must be allowed");
		}
	}

	@Benchmark
	public Condition.Outcome celCondition() {
		return this.condition.test(this.activation);
	}

	@Benchmark
	public Decision decideOver50Grants() {
		return this.policies.decide(this.context);
	}

}

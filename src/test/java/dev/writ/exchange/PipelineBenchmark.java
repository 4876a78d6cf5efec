package dev.writ.exchange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
import org.openjdk.jmh.infra.Blackhole;

import dev.writ.keys.Crypto;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.PolicySet;
import dev.writ.request.TokenTypes;
import dev.writ.store.memory.MemoryStore;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;
import dev.writ.token.AccessTokenMinter;
import dev.writ.trust.SubjectTokenVerifier;

/**
 * The whole in-process exchange (parse, verify, route, CEL policy, mint, audit event)
 * against the bare crypto it cannot avoid (one verify of the subject token, one ES256
 * sign of the access token), with the same provider, in one run. Run with
 * {@code bench/jmh.sh PipelineBenchmark};
 * {@code -jvmArgsAppend -Dwrit.crypto.provider=jdk} for the JDK's providers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED" })
public class PipelineBenchmark {

	private static final int TOKENS = 4096;

	private TokenExchangeService fresh;

	private TokenExchangeService cached;

	private List<Map<String, List<String>>> svidForms;

	private List<Map<String, List<String>>> oidcForms;

	private Map<String, List<String>> repeatedForm;

	private SignedJWT svid;

	private SignedJWT oidc;

	private ECDSAVerifier es256Verifier;

	private RSASSAVerifier rs256Verifier;

	private SigningKeys keys;

	private JWTClaimsSet accessClaims;

	private int next;

	private Blackhole audit;

	@Setup
	public void setUp(Blackhole blackhole) throws Exception {
		this.audit = blackhole;
		Clock clock = Clock.systemUTC();
		Path root = Files.createTempDirectory("writ-bench-");
		TestAuthority spire = TestAuthority.ec("prod.example.org", clock);
		TestAuthority ci = TestAuthority.rsa("issuer", clock);
		spire.writeBundle(root.resolve("keys/trust/prod.json"));
		Files.writeString(root.resolve("keys/trust/ci.jwks.json"),
				new JWKSet(List.of(ci.oidcPublicKey())).toString(true));
		Files.createDirectories(root.resolve("policies"));
		Files.writeString(root.resolve("policies/p.yaml"), """
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.json }
				    attributes: { environment: "spiffe.path[1]", service: "spiffe.path[3]" }
				oidc:
				  - name: ci
				    issuer: https://ci.example.org
				    jwks: { file: keys/trust/ci.jwks.json }
				    replay: reuse
				    attributes: { service: claims.project }
				grants:
				  - id: checkout-pays
				    subject_pattern: spiffe://prod\\.example\\.org/ns/prod/sa/checkout-[0-9]+
				    audience: https://payments.example.org
				    scopes: [payments:charge, payments:refund]
				    when: attributes.environment == 'prod' && 'payments:charge' in request.scopes
				  - id: ci-deploys
				    trust: ci
				    subject_pattern: "project:acme/[a-z-]+"
				    audience: https://deploy.example.org
				    scopes: [deploy]
				    when: claims.ref == 'refs/heads/main'
				""");
		PolicySet policies = new PolicyLoader(TestTrust.factory(clock), root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(root.resolve("policies"));
		this.keys = new KeyDirectory(root.resolve("keys"), clock).loadOrGenerate(KeyAlgorithm.ES256);
		AccessTokenMinter minter = new AccessTokenMinter("https://writ.example.org", () -> this.keys);
		MemoryStore store = new MemoryStore(clock, 1_000_000);
		Set<String> audiences = Set.of("http://localhost:8080");
		this.fresh = new TokenExchangeService(() -> policies,
				new SubjectTokenVerifier(audiences, Duration.ofSeconds(30), clock), minter, store, store,
				(event) -> this.audit.consume(JSONObjectUtils.toJSONString(event.fields())), clock,
				Duration.ofSeconds(30));
		this.cached = new TokenExchangeService(() -> policies,
				new SubjectTokenVerifier(audiences, Duration.ofSeconds(30), clock, 10_000), minter, store, store,
				(event) -> this.audit.consume(JSONObjectUtils.toJSONString(event.fields())), clock,
				Duration.ofSeconds(30));
		this.svidForms = new java.util.ArrayList<>();
		this.oidcForms = new java.util.ArrayList<>();
		for (int i = 0; i < TOKENS; i++) {
			String token = spire.svid("/ns/prod/sa/checkout-" + i).expiresIn(Duration.ofHours(2)).sign();
			this.svidForms.add(form(token, "https://payments.example.org", "payments:charge"));
			String ciToken = ci.token("https://ci.example.org", "project:acme/payments")
				.claim("ref", "refs/heads/main")
				.claim("project", "acme/payments")
				.claim("jti", "ci-" + i)
				.expiresIn(Duration.ofHours(2))
				.sign();
			this.oidcForms.add(form(ciToken, "https://deploy.example.org", "deploy"));
		}
		this.repeatedForm = this.svidForms.get(0);
		this.svid = SignedJWT.parse(this.svidForms.get(1).get("subject_token").get(0));
		this.oidc = SignedJWT.parse(this.oidcForms.get(1).get("subject_token").get(0));
		this.es256Verifier = Crypto.get()
			.configure(new ECDSAVerifier(spire.privateKey().toECKey().toPublicJWK()),
					com.nimbusds.jose.JWSAlgorithm.ES256);
		this.rs256Verifier = Crypto.get()
			.configure(new RSASSAVerifier(ci.privateKey().toRSAKey().toPublicJWK()),
					com.nimbusds.jose.JWSAlgorithm.RS256);
		this.accessClaims = new JWTClaimsSet.Builder().issuer("https://writ.example.org")
			.subject("spiffe://prod.example.org/ns/prod/sa/checkout-1")
			.audience("https://payments.example.org")
			.claim("scope", "payments:charge")
			.build();
		System.out.println(Crypto.get().describe());
	}

	private static Map<String, List<String>> form(String token, String audience, String scope) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of(token));
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		form.put("audience", List.of(audience));
		form.put("scope", List.of(scope));
		return form;
	}

	private int nextIndex() {
		this.next = (this.next + 1) % TOKENS;
		return this.next;
	}

	/**
	 * An ES256 JWT-SVID exchanged for an ES256 access token: the whole pipeline, a
	 * different token each time.
	 */
	@Benchmark
	public Object exchangeEs256Svid() {
		return this.fresh.exchange(this.svidForms.get(nextIndex())).token();
	}

	/** The crypto that exchange cannot avoid: one ES256 verify and one ES256 sign. */
	@Benchmark
	public Object cryptoEs256VerifyEs256Sign() throws Exception {
		if (!this.svid.verify(this.es256Verifier)) {
			throw new IllegalStateException();
		}
		return this.keys.active().sign(AccessTokenMinter.AT_JWT, this.accessClaims);
	}

	/** An RS256 OIDC token (a CI job's) exchanged for an ES256 access token. */
	@Benchmark
	public Object exchangeRs256Oidc() {
		return this.fresh.exchange(this.oidcForms.get(nextIndex())).token();
	}

	/** The crypto that exchange cannot avoid: one RS256 verify and one ES256 sign. */
	@Benchmark
	public Object cryptoRs256VerifyEs256Sign() throws Exception {
		if (!this.oidc.verify(this.rs256Verifier)) {
			throw new IllegalStateException();
		}
		return this.keys.active().sign(JOSEObjectType.JWT, this.accessClaims);
	}

	/**
	 * The same JWT-SVID again, as SPIRE hands it out, with the verified-token cache on:
	 * no signature check.
	 */
	@Benchmark
	public Object exchangeRepeatedSvidCached() {
		return this.cached.exchange(this.repeatedForm).token();
	}

}

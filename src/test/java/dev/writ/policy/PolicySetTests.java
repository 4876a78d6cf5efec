package dev.writ.policy;

import dev.writ.testing.TestTrust;
import dev.writ.trust.TrustSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.error.ErrorCode;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestExchanges;
import dev.writ.trust.VerifiedSubject;
import dev.writ.policy.load.PolicyLoader;

import static org.assertj.core.api.Assertions.assertThat;

class PolicySetTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

	@TempDir
	Path root;

	private final TestAuthority prod = TestAuthority.ec("prod.example.org", CLOCK);

	private final TestAuthority prodX = TestAuthority.ec("prodxexample.org", CLOCK);

	private PolicySet policies;

	@BeforeEach
	void load() throws IOException {
		this.prod.writeBundle(this.root.resolve("keys/trust/prod.json"));
		this.prodX.writeBundle(this.root.resolve("keys/trust/prodx.json"));
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("policies.yaml"), """
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.json }
				  - trust_domain: prodxexample.org
				    bundle: { file: keys/trust/prodx.json }
				grants:
				  - id: checkout-pays
				    subject: spiffe://prod.example.org/checkout
				    audience: https://payments.example.org
				    scopes: [charge, refund]
				    ttl: 5m
				  - id: checkout-pays-admin
				    subject: spiffe://prod.example.org/checkout
				    audience: https://payments.example.org
				    scopes: [charge, refund, admin]
				    ttl: 1m
				  - id: checkout-ledger
				    subject: spiffe://prod.example.org/checkout
				    audience: https://ledger.example.org
				    scopes: [read]
				  - id: batch
				    subject_pattern: spiffe://prod.example.org/batch/[a-z]+
				    audience: https://ledger.example.org
				    scopes: [read]
				""");
		this.policies = new PolicyLoader(TestTrust.factory(CLOCK), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(dir);
	}

	private Decision decide(TestAuthority authority, String path, String audience, String scope) {
		String token = authority.svid(path).sign();
		VerifiedSubject subject = TestTrust.verifier(CLOCK).verify(token, TokenTypes.JWT, this.policies.trust());
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of(token));
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		if (audience != null) {
			form.put("audience", List.of(audience));
		}
		if (scope != null) {
			form.put("scope", List.of(scope));
		}
		return this.policies
			.decide(this.policies.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant()));
	}

	@Test
	void decideWhenScopesNarrowedThenOnlyThoseFromFirstCoveringGrant() {
		Decision decision = decide(this.prod, "/checkout", "https://payments.example.org", "charge");

		assertThat(decision).isInstanceOfSatisfying(Decision.Allow.class, (allow) -> {
			assertThat(allow.grantId()).isEqualTo("checkout-pays");
			assertThat(allow.scopes()).containsExactly("charge");
			assertThat(allow.ttl()).isEqualTo(Duration.ofMinutes(5));
			assertThat(allow.policyDigest()).isEqualTo(this.policies.digest());
		});
	}

	@Test
	void decideWhenOnlyALaterGrantCoversTheScopesThenThatGrant() {
		Decision decision = decide(this.prod, "/checkout", "https://payments.example.org", "charge admin");

		assertThat(decision).isInstanceOfSatisfying(Decision.Allow.class,
				(allow) -> assertThat(allow.grantId()).isEqualTo("checkout-pays-admin"));
	}

	@Test
	void decideWhenScopesBeyondEveryGrantThenInvalidScope() {
		Decision decision = decide(this.prod, "/checkout", "https://payments.example.org", "charge delete");

		assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class,
				(deny) -> assertThat(deny.errorCode()).isEqualTo(ErrorCode.INVALID_SCOPE));
	}

	@Test
	void decideWhenScopesFromTwoGrantsThenNotUnioned() {
		Decision decision = decide(this.prod, "/checkout", "https://payments.example.org", "charge read");

		assertThat(decision).isInstanceOf(Decision.Deny.class);
	}

	@Test
	void decideWhenNoTargetAndSeveralGrantedThenInvalidTarget() {
		Decision decision = decide(this.prod, "/checkout", null, null);

		assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, (deny) -> {
			assertThat(deny.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
			assertThat(deny.description()).contains("audience is required");
		});
	}

	@Test
	void decideWhenPatternMatchesThenDefaultTtl() {
		Decision decision = decide(this.prod, "/batch/nightly", null, null);

		assertThat(decision).isInstanceOfSatisfying(Decision.Allow.class, (allow) -> {
			assertThat(allow.grantId()).isEqualTo("batch");
			assertThat(allow.ttl()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void decideWhenPatternWouldMatchOnlyUnanchoredThenDenied() {
		assertThat(decide(this.prod, "/batch/nightly/extra", null, null)).isInstanceOf(Decision.Deny.class);
		assertThat(decide(this.prod, "/x/batch/nightly", null, null)).isInstanceOf(Decision.Deny.class);
	}

	@Test
	void decideWhenPatternDotWouldMatchAnotherTrustDomainThenDenied() {
		// The pattern's unescaped '.' matches 'x': the literal trust-domain prefix keeps
		// it in prod.example.org.
		assertThat(decide(this.prodX, "/batch/nightly", null, null)).isInstanceOfSatisfying(Decision.Deny.class,
				(deny) -> assertThat(deny.detail()).contains("no grant matches subject"));
	}

	@Test
	void decideWhenSubjectDiffersByCaseThenDenied() {
		assertThat(decide(this.prod, "/Checkout", "https://payments.example.org", null))
			.isInstanceOf(Decision.Deny.class);
	}

	private PolicySet load(String policies) throws IOException {
		Path dir = Files.createDirectories(this.root.resolve("policies-" + Math.abs(policies.hashCode())));
		Files.writeString(dir.resolve("policies.yaml"), policies);
		return new PolicyLoader(TestTrust.factory(CLOCK), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(dir);
	}

	private static final String LANGUAGE = """
			spiffe:
			  - trust_domain: prod.example.org
			    bundle: { file: keys/trust/prod.json }
			    attributes:
			      environment: spiffe.path[1]
			      service: spiffe.path[3]
			parameters: [tenant]
			grants:
			  - id: tenant-orders
			    subject_pattern: spiffe://prod\\.example\\.org/ns/[a-z]+/sa/orders
			    audience: https://orders.example.org
			    scopes: [read, write]
			    when: attributes.environment == 'prod' && request.params.tenant in ['acme', 'globex']
			    token_claims:
			      tenant: request.params.tenant
			      environment: attributes.environment
			    ttl: 10m
			""";

	private Decision decideWith(PolicySet set, TestAuthority authority, String path, Map<String, String> extra) {
		String token = authority.svid(path).expiresIn(Duration.ofMinutes(30)).sign();
		VerifiedSubject subject = TestTrust.verifier(CLOCK).verify(token, TokenTypes.JWT, set.trust());
		Map<String, List<String>> form = new LinkedHashMap<>(TestExchanges.form(token));
		form.put("audience", List.of("https://orders.example.org"));
		extra.forEach((k, v) -> form.put(k, List.of(v)));
		return set.decide(set.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant()));
	}

	@Test
	void decideWhenPatternBacktracksWithoutBoundThenCutOffAndDenied() throws IOException {
		// (.*a){12}$ against 'aaa…a-' backtracks O(n^12) with java.util.regex (JDK 25: 7
		// s for 30 a's on the bench
		// machine, hours for these 60). Unbounded, this test would not end; bounded, the
		// grant does not match.
		PolicySet set = load("""
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.json }
				grants:
				  - id: evil
				    subject_pattern: spiffe://prod\\.example\\.org/(.*a){12}$
				    audience: https://orders.example.org
				    scopes: [read]
				""");

		assertThat(decideWith(set, this.prod, "/" + "a".repeat(60) + "-", Map.of())).isInstanceOf(Decision.Deny.class);
		assertThat(decideWith(set, this.prod, "/" + "a".repeat(60), Map.of())).isInstanceOf(Decision.Allow.class);
		String token = this.prod.svid("/" + "a".repeat(60) + "-").sign();
		VerifiedSubject subject = TestTrust.verifier(CLOCK).verify(token, TokenTypes.JWT, set.trust());
		Map<String, List<String>> form = new LinkedHashMap<>(TestExchanges.form(token));
		form.put("audience", List.of("https://orders.example.org"));
		assertThat(set.explain(set.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant())).grants())
			.singleElement()
			.satisfies((step) -> assertThat(step.reason()).startsWith("subject_pattern gave up after reading 100000"));
	}

	@Test
	void decideWhenConditionHoldsThenAllowWithTokenClaimsFromAttributesAndParameters() throws IOException {
		PolicySet set = load(LANGUAGE);

		Decision decision = decideWith(set, this.prod, "/ns/prod/sa/orders", Map.of("tenant", "acme"));

		assertThat(decision).isInstanceOfSatisfying(Decision.Allow.class, (allow) -> {
			assertThat(allow.claims()).containsEntry("tenant", "acme").containsEntry("environment", "prod");
			assertThat(allow.ttl()).isEqualTo(Duration.ofMinutes(10));
		});
	}

	@Test
	void decideWhenConditionFailsOrReadsMissingValueThenDenied() throws IOException {
		PolicySet set = load(LANGUAGE);

		assertThat(decideWith(set, this.prod, "/ns/staging/sa/orders", Map.of("tenant", "acme")))
			.isInstanceOfSatisfying(Decision.Deny.class, (deny) -> {
				assertThat(deny.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
				assertThat(deny.description()).isEqualTo("no grant allows this request");
			});
		assertThat(decideWith(set, this.prod, "/ns/prod/sa/orders", Map.of("tenant", "initech")))
			.isInstanceOf(Decision.Deny.class);
		assertThat(decideWith(set, this.prod, "/ns/prod/sa/orders", Map.of())).isInstanceOf(Decision.Deny.class);
	}

	@Test
	void decideWhenParameterNotDeclaredThenInvisibleToPolicies() throws IOException {
		PolicySet set = load(LANGUAGE.replace("parameters: [tenant]", "parameters: [region]"));

		assertThat(decideWith(set, this.prod, "/ns/prod/sa/orders", Map.of("tenant", "acme")))
			.isInstanceOf(Decision.Deny.class);
	}

	@Test
	void explainThenEveryGrantWithWhereAndWhyItStopped() throws IOException {
		PolicySet set = load(LANGUAGE);
		String token = this.prod.svid("/ns/staging/sa/orders").sign();
		VerifiedSubject subject = TestTrust.verifier(CLOCK).verify(token, TokenTypes.JWT, set.trust());
		Map<String, List<String>> form = new LinkedHashMap<>(TestExchanges.form(token));
		form.put("tenant", List.of("acme"));

		Explanation explanation = set
			.explain(set.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant()));

		assertThat(explanation.decision()).isInstanceOf(Decision.Deny.class);
		assertThat(explanation.grants()).singleElement().satisfies((step) -> {
			assertThat(step.grant()).isEqualTo("tenant-orders");
			assertThat(step.outcome()).isEqualTo(Explanation.Outcome.CONDITION);
			assertThat(step.reason()).contains("is false").contains("attributes.environment == 'prod'");
			assertThat(step.where()).contains("policies.yaml:");
		});
	}

	@Test
	void explainWhenAllowedThenChosenAndLaterGrantsNotReached() {
		String token = this.prod.svid("/checkout").sign();
		VerifiedSubject subject = TestTrust.verifier(CLOCK).verify(token, TokenTypes.JWT, this.policies.trust());
		Map<String, List<String>> form = new LinkedHashMap<>(TestExchanges.form(token));
		form.put("audience", List.of("https://payments.example.org"));

		Explanation explanation = this.policies
			.explain(this.policies.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant()));

		assertThat(explanation.grants()).extracting(Explanation.Step::grant, Explanation.Step::outcome)
			.containsExactly(org.assertj.core.api.Assertions.tuple("checkout-pays", Explanation.Outcome.CHOSEN),
					org.assertj.core.api.Assertions.tuple("checkout-pays-admin", Explanation.Outcome.NOT_REACHED),
					org.assertj.core.api.Assertions.tuple("checkout-ledger", Explanation.Outcome.TARGET),
					org.assertj.core.api.Assertions.tuple("batch", Explanation.Outcome.SUBJECT));
	}

	@Test
	void decideWhenSubjectTokenNearlyExpiredThenTtlCappedOrDenied() throws IOException {
		String soon = this.prod.svid("/checkout").expiresIn(Duration.ofSeconds(90)).sign();
		VerifiedSubject subject = TestTrust.verifier(CLOCK).verify(soon, TokenTypes.JWT, this.policies.trust());
		Map<String, List<String>> form = new LinkedHashMap<>(TestExchanges.form(soon));
		form.put("audience", List.of("https://payments.example.org"));

		Decision decision = this.policies
			.decide(this.policies.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant()));

		assertThat(decision).isInstanceOfSatisfying(Decision.Allow.class,
				(allow) -> assertThat(allow.ttl()).isEqualTo(Duration.ofSeconds(90)));
	}

	@Test
	void trustWhenLoadedThenBothDomainsAndNoOther() {
		TrustSet trust = this.policies.trust();

		assertThat(trust.trusts(TrustDomain.parse("prod.example.org"))).isTrue();
		assertThat(trust.trusts(TrustDomain.parse("example.org"))).isFalse();
	}

}

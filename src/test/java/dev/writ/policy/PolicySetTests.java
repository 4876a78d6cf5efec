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
import dev.writ.trust.VerifiedSubject;

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
				Duration.ofHours(1)).load(dir);
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
		return this.policies.decide(this.policies.context(subject, new ExchangeRequestParser().parse(form), CLOCK.instant()));
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
		// The pattern's unescaped '.' matches 'x': the literal trust-domain prefix keeps it in prod.example.org.
		assertThat(decide(this.prodX, "/batch/nightly", null, null)).isInstanceOfSatisfying(Decision.Deny.class,
				(deny) -> assertThat(deny.detail()).contains("no grant matches subject"));
	}

	@Test
	void decideWhenSubjectDiffersByCaseThenDenied() {
		assertThat(decide(this.prod, "/Checkout", "https://payments.example.org", null)).isInstanceOf(Decision.Deny.class);
	}

	@Test
	void trustWhenLoadedThenBothDomainsAndNoOther() {
		TrustSet trust = this.policies.trust();

		assertThat(trust.trusts(TrustDomain.parse("prod.example.org"))).isTrue();
		assertThat(trust.trusts(TrustDomain.parse("example.org"))).isFalse();
	}

}

package dev.writ.exchange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.audit.AuditEvent;
import dev.writ.audit.TokenDigest;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicySet;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.request.TokenTypes;
import dev.writ.store.memory.MemoryStore;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestSvid;
import dev.writ.testing.TestTrust;
import dev.writ.token.AccessTokenMinter;
import dev.writ.trust.SubjectTokenVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Delegation (RFC 8693 §2.1, §4.1, §4.4): an actor token verified as a subject token is,
 * {@code may_act} enforced before any policy, grants that match a delegated request
 * exactly when they name its actor, and {@code act} in the issued token.
 */
class DelegationTests {

	static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

	static final String CHECKOUT = "spiffe://prod.example.org/checkout";

	static final String GATEWAY = "spiffe://prod.example.org/gateway";

	static final String LEDGER = "https://ledger.example.org";

	static final String GRANTS = """
			spiffe:
			  - trust_domain: prod.example.org
			    bundle: { file: keys/trust/prod.json }
			  - trust_domain: jobs.example.org
			    bundle: { file: keys/trust/jobs.json }
			    replay: one-time
			oidc:
			  - name: ci
			    issuer: https://ci.example.org
			    jwks: { file: keys/trust/ci.jwks.json }
			    tenant_claims: [org]
			    replay: reuse
			    rate_limit: { subject: "2 per 1m" }
			grants:
			  - id: checkout-pays
			    subject: spiffe://prod.example.org/checkout
			    audience: https://payments.example.org
			    scopes: [charge]
			  - id: gateway-for-checkout
			    subject: spiffe://prod.example.org/checkout
			    actor: spiffe://prod.example.org/gateway
			    audience: https://ledger.example.org
			    scopes: [read]
			    when: act.depth == 1 && actor.source == 'spiffe://prod.example.org'
			  - id: ci-deploys-for-checkout
			    subject: spiffe://prod.example.org/checkout
			    actor_trust: ci
			    actor_pattern: "repo:acme/[a-z]+"
			    when: actor.claims.org == '1'
			    audience: https://deploy.example.org
			    scopes: []
			  - id: orchestrator-for-jobs
			    subject_pattern: "spiffe://jobs\\\\.example\\\\.org/job/[0-9]+"
			    actor: spiffe://jobs.example.org/orchestrator
			    audience: https://queue.example.org
			    scopes: []
			""";

	private final TestAuthority prod = TestAuthority.ec("prod.example.org", CLOCK);

	private final TestAuthority jobs = TestAuthority.ec("jobs.example.org", CLOCK);

	private final TestAuthority ci = TestAuthority.ec("ci.example.org", CLOCK);

	private final List<AuditEvent> events = new ArrayList<>();

	@TempDir
	Path root;

	private TokenExchangeService service;

	@BeforeEach
	void service() throws IOException {
		this.prod.writeBundle(this.root.resolve("keys/trust/prod.json"));
		this.jobs.writeBundle(this.root.resolve("keys/trust/jobs.json"));
		Files.writeString(this.root.resolve("keys/trust/ci.jwks.json"),
				new JWKSet(this.ci.oidcPublicKey()).toString(true));
		PolicySet set = load(GRANTS);
		SigningKeys keys = new KeyDirectory(this.root.resolve("keys"), CLOCK).loadOrGenerate(KeyAlgorithm.ES256);
		MemoryStore store = new MemoryStore(CLOCK, 10_000);
		this.service = new TokenExchangeService(() -> set,
				new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), Duration.ofSeconds(30), CLOCK, 100),
				new AccessTokenMinter("https://writ.example.org", () -> keys), store, store, this.events::add, CLOCK,
				Duration.ofSeconds(30));
	}

	private PolicySet load(String yaml) throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("p.yaml"), yaml);
		return new PolicyLoader(TestTrust.factory(CLOCK), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(policies);
	}

	private static Map<String, List<String>> delegated(String subject, String actor, String audience) {
		Map<String, List<String>> form = new java.util.HashMap<>(TestExchanges.form(subject, audience));
		form.put("actor_token", List.of(actor));
		form.put("actor_token_type", List.of(TokenTypes.JWT));
		return form;
	}

	private ExchangeException refused(Map<String, List<String>> form) {
		try {
			this.service.exchange(form);
		}
		catch (ExchangeException ex) {
			return ex;
		}
		throw new AssertionError("the exchange was not refused");
	}

	private static Map<String, Object> claims(ExchangeResult result) throws ParseException {
		return SignedJWT.parse(result.token().value()).getJWTClaimsSet().toJSONObject();
	}

	@Test
	void delegatedThenActNamesTheVerifiedActorAndSubStaysTheSubject() throws ParseException {
		String actor = this.prod.svid("/gateway").sign();

		ExchangeResult result = this.service.exchange(delegated(this.prod.svid("/checkout").sign(), actor, LEDGER));

		assertThat(result.allow().grantId()).isEqualTo("gateway-for-checkout");
		Map<String, Object> claims = claims(result);
		assertThat(claims).containsEntry("sub", CHECKOUT)
			.containsEntry("client_id", CHECKOUT)
			.containsEntry("act", Map.of("sub", GATEWAY));
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.fields()).containsEntry("outcome", "granted")
				.containsEntry("subject", CHECKOUT)
				.containsEntry("actor", GATEWAY)
				.containsEntry("actor_source", "spiffe://prod.example.org")
				.containsEntry("actor_token_sha256", TokenDigest.of(actor));
			assertThat(event.fields().values()).noneMatch((v) -> v.toString().contains(actor));
		});
	}

	@Test
	void oidcActorThenActCarriesItsIssuerAndTheTenantPinHolds() throws ParseException {
		String actor = this.ci.token("https://ci.example.org", "repo:acme/deploy").claim("org", "1").sign();

		Map<String, Object> claims = claims(this.service
			.exchange(delegated(this.prod.svid("/checkout").sign(), actor, "https://deploy.example.org")));

		assertThat(claims).containsEntry("act", Map.of("sub", "repo:acme/deploy", "iss", "https://ci.example.org"));
		String otherTenant = this.ci.token("https://ci.example.org", "repo:acme/deploy").claim("org", "2").sign();
		assertThat(refused(delegated(this.prod.svid("/checkout").sign(), otherTenant, "https://deploy.example.org"))
			.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
	}

	@Test
	void plainGrantWithAnActorAndDelegationGrantWithoutOneThenNeitherMatches() {
		ExchangeException plain = refused(delegated(this.prod.svid("/checkout").sign(),
				this.prod.svid("/gateway").sign(), "https://payments.example.org"));
		assertThat(plain.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
		assertThat(plain.description()).isEqualTo("no grant allows this request");

		ExchangeException alone = refused(TestExchanges.form(this.prod.svid("/checkout").sign(), LEDGER));
		assertThat(alone.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);

		ExchangeException stranger = refused(
				delegated(this.prod.svid("/checkout").sign(), this.prod.svid("/stranger").sign(), LEDGER));
		assertThat(stranger.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
	}

	@Test
	void subjectWithOnlyDelegationGrantsAndNoActorThenNoGrantForTheSubject() {
		ExchangeException refused = refused(
				TestExchanges.form(this.jobs.svid("/job/7").sign(), "https://queue.example.org"));

		assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
		assertThat(refused.description()).isEqualTo("no grant allows this subject a token");
	}

	@Test
	void mayActThenOnlyThePartyItNamesActsBeforeAnyPolicy() {
		String allowed = this.prod.svid("/checkout").claim("may_act", Map.of("sub", GATEWAY)).sign();
		assertThat(
				this.service.exchange(delegated(allowed, this.prod.svid("/gateway").sign(), LEDGER)).allow().grantId())
			.isEqualTo("gateway-for-checkout");

		String other = this.prod.svid("/checkout")
			.claim("may_act", Map.of("sub", "spiffe://prod.example.org/someone-else"))
			.sign();
		ExchangeException mismatch = refused(delegated(other, this.prod.svid("/gateway").sign(), LEDGER));
		assertThat(mismatch.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(mismatch.description()).isEqualTo("the actor is not the one the subject_token's may_act allows");

		String issuer = this.prod.svid("/checkout")
			.claim("may_act", Map.of("sub", "repo:acme/deploy", "iss", "https://elsewhere.example.org"))
			.sign();
		String ciActor = this.ci.token("https://ci.example.org", "repo:acme/deploy").claim("org", "1").sign();
		assertThat(refused(delegated(issuer, ciActor, "https://deploy.example.org")).errorCode())
			.isEqualTo(ErrorCode.INVALID_REQUEST);

		String malformed = this.prod.svid("/checkout").claim("may_act", GATEWAY).sign();
		ExchangeException notAnObject = refused(delegated(malformed, this.prod.svid("/gateway").sign(), LEDGER));
		assertThat(notAnObject.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(notAnObject.description()).contains("may_act is not an object naming sub");
	}

	@Test
	void actorThatIsTheSubjectThenRefused() {
		String subject = this.prod.svid("/checkout").sign();

		ExchangeException same = refused(delegated(subject, subject, LEDGER));
		assertThat(same.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(same.description()).startsWith("actor_token is the subject_token");

		// The same claims signed again: the same token, whatever its signature.
		ExchangeException resigned = refused(delegated(subject, this.prod.svid("/checkout").sign(), LEDGER));
		assertThat(resigned.description()).startsWith("actor_token is the subject_token");

		ExchangeException itself = refused(
				delegated(subject, this.prod.svid("/checkout").claim("jti", "another").sign(), LEDGER));
		assertThat(itself.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(itself.description()).startsWith("actor_token names the subject itself");
	}

	@Test
	void actorThatDoesNotVerifyThenInvalidRequestNamingTheActorToken() {
		ExchangeException expired = refused(delegated(this.prod.svid("/checkout").sign(),
				this.prod.svid("/gateway").expiresIn(Duration.ofMinutes(-5)).sign(), LEDGER));
		assertThat(expired.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(expired.description()).contains("actor_token").doesNotContain("subject_token");
		assertThat(expired.detail()).startsWith("actor token: ");

		ExchangeException forged = refused(delegated(this.prod.svid("/checkout").sign(),
				this.prod.svid("/gateway").signWith(this.prod.impostor().privateKey()), LEDGER));
		assertThat(forged.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);

		Map<String, List<String>> saml = delegated(this.prod.svid("/checkout").sign(),
				this.prod.svid("/gateway").sign(), LEDGER);
		saml.put("actor_token_type", List.of("urn:ietf:params:oauth:token-type:saml2"));
		assertThat(refused(saml).description()).startsWith("actor_token_type is not supported");
	}

	@Test
	void oneTimeActorTokenThenBurnedLikeASubjectToken() {
		String orchestrator = this.jobs.svid("/orchestrator").claim("jti", "orch-1").sign();

		this.service.exchange(delegated(this.jobs.svid("/job/1").claim("jti", "job-1").sign(), orchestrator,
				"https://queue.example.org"));
		ExchangeException replay = refused(delegated(this.jobs.svid("/job/2").claim("jti", "job-2").sign(),
				orchestrator, "https://queue.example.org"));

		assertThat(replay.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(replay.description()).startsWith("actor_token has already been used");
	}

	@Test
	void actorOfASharedIssuerWithoutItsTenantPinnedThenTheGrantIsRefused() {
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> load(GRANTS.replace("""
				    when: actor.claims.org == '1'
				""", "")))
			.satisfies((ex) -> assertThat(ex.problems().toString()).contains("without pinning org")
				.contains("actor_claims: { org:"));
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> load(GRANTS.replace("""
				    actor: spiffe://prod.example.org/gateway
				""", """
				    actor_trust: ci
				""")))
			.satisfies(
					(ex) -> assertThat(ex.problems().toString()).contains("actor_trust needs actor or actor_pattern"));
	}

	@Test
	void delegatedTokenNeverOutlivesTheActorsCredential() {
		ExchangeResult result = this.service.exchange(delegated(this.prod.svid("/checkout").sign(),
				this.prod.svid("/gateway").expiresIn(Duration.ofSeconds(40)).sign(), LEDGER));

		assertThat(result.token().expiresAt()).isEqualTo(CLOCK.instant().plusSeconds(40));
	}

	@Test
	void tokensThatCarryAnotherIssuersActThenRefused() {
		ExchangeException subject = refused(
				TestExchanges.form(this.prod.svid("/checkout").claim("act", Map.of("sub", GATEWAY)).sign(),
						"https://payments.example.org"));
		assertThat(subject.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(subject.description()).startsWith("subject_token carries act");

		ExchangeException actor = refused(delegated(this.prod.svid("/checkout").sign(),
				this.prod.svid("/gateway").claim("act", Map.of("sub", "spiffe://prod.example.org/x")).sign(), LEDGER));
		assertThat(actor.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(actor.description()).startsWith("actor_token carries act");
	}

	@Test
	void mayActWithoutIssThenOnlyAPartyOfTheSubjectsOwnSourceOrASpiffeId() {
		String subject = this.prod.svid("/checkout").claim("may_act", Map.of("sub", "repo:acme/deploy")).sign();
		String ciActor = this.ci.token("https://ci.example.org", "repo:acme/deploy").claim("org", "1").sign();

		assertThat(refused(delegated(subject, ciActor, "https://deploy.example.org")).description())
			.isEqualTo("the actor is not the one the subject_token's may_act allows");
	}

	@Test
	void actorSpendsItsOwnRateLimitWhateverSubjectItActsFor() {
		for (int i = 0; i < 2; i++) {
			this.service.exchange(delegated(this.prod.svid("/checkout").claim("jti", "s" + i).sign(),
					this.ci.token("https://ci.example.org", "repo:acme/deploy").claim("org", "1").sign(),
					"https://deploy.example.org"));
		}

		assertThat(refused(delegated(this.prod.svid("/checkout").claim("jti", "s3").sign(),
				this.ci.token("https://ci.example.org", "repo:acme/deploy").claim("org", "1").sign(),
				"https://deploy.example.org"))
			.errorCode()).isEqualTo(ErrorCode.SLOW_DOWN);
	}

	@Test
	void expressionsOnPartiesTheGrantCannotHaveThenRefusedAtLoad() {
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> load(GRANTS.replace("""
				    scopes: [charge]
				""", """
				    scopes: [charge]
				    when: actor.subject != 'spiffe://prod.example.org/mallory'
				""")))
			.satisfies((ex) -> assertThat(ex.problems().toString())
				.contains("the grant reads actor or act but allows no delegation"));
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> load(GRANTS.replace("""
				    scopes: [charge]
				""", """
				    scopes: [charge]
				    token_claims: { from: token.grant }
				""")))
			.satisfies((ex) -> assertThat(ex.problems().toString())
				.contains("the grant reads token but takes no Writ token"));
	}

}

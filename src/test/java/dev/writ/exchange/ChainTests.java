package dev.writ.exchange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import dev.writ.token.IssuedTokens;
import dev.writ.token.TokenStatus;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.WritTokenVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Writ's own tokens exchanged again (RFC 8693 §2.1, §4.1): a chain A→B→C→D keeps A as its
 * subject, nests its actors in order, never widens a scope or a lifetime, stops at the
 * configured depth, and dies with its root.
 */
class ChainTests {

	static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

	static final String ISSUER = "https://writ.example.org";

	static final String A = "spiffe://prod.example.org/a";

	private final TestAuthority prod = TestAuthority.ec("prod.example.org", CLOCK);

	private final TestAuthority ci = TestAuthority.ec("ci.example.org", CLOCK);

	private Path policies;

	private final List<dev.writ.audit.AuditEvent> events = new java.util.ArrayList<>();

	private volatile PolicySet set;

	@TempDir
	Path root;

	private TokenExchangeService service;

	private TokenStatus status;

	@BeforeEach
	void service() throws IOException {
		this.prod.writeBundle(this.root.resolve("keys/trust/prod.json"));
		Files.writeString(this.root.resolve("keys/trust/ci.jwks.json"),
				new com.nimbusds.jose.jwk.JWKSet(this.ci.oidcPublicKey()).toString(true));
		this.policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(this.policies.resolve("p.yaml"), """
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.json }
				    replay: one-time
				oidc:
				  - name: ci
				    issuer: ${ci}
				    jwks: { file: keys/trust/ci.jwks.json }
				grants:
				  - id: ci-calls-b
				    trust: ci
				    subject: repo:acme/app
				    audience: https://b.example.org
				    scopes: [orders:read]
				  - id: b-calls-c-for-ci
				    trust: ci
				    subject: repo:acme/app
				    from_audience: https://b.example.org
				    actor: spiffe://prod.example.org/b
				    audience: https://c.example.org
				    scopes: [orders:read]
				  - id: a-calls-b
				    subject: spiffe://prod.example.org/a
				    audience: https://b.example.org
				    scopes: [orders:read, orders:write]
				    ttl: 10m
				  - id: b-calls-c-for-a
				    subject: spiffe://prod.example.org/a
				    from_audience: https://b.example.org
				    actor: spiffe://prod.example.org/b
				    audience: https://c.example.org
				    scopes: [orders:read, orders:write, orders:admin]
				    ttl: 1h
				    when: token.grant == 'a-calls-b' && act.depth == 1
				  - id: c-calls-d-for-a
				    subject: spiffe://prod.example.org/a
				    from_audience: https://c.example.org
				    actor: spiffe://prod.example.org/c
				    audience: https://d.example.org
				    scopes: [orders:read]
				  - id: d-calls-e-for-a
				    subject: spiffe://prod.example.org/a
				    from_audience: https://d.example.org
				    actor: spiffe://prod.example.org/d
				    audience: https://e.example.org
				    scopes: [orders:read]
				""".replace("${ci}", "https://ci.example.org"));
		this.set = load();
		SigningKeys keys = new KeyDirectory(this.root.resolve("keys"), CLOCK).loadOrGenerate(KeyAlgorithm.ES256);
		MemoryStore store = new MemoryStore(CLOCK, 10_000);
		IssuedTokens issued = new IssuedTokens(ISSUER, () -> keys, CLOCK);
		this.status = new TokenStatus(issued, store, Duration.ofHours(1), CLOCK);
		this.service = new TokenExchangeService(() -> this.set,
				new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), Duration.ofSeconds(30), CLOCK),
				new ExchangeOptions(new WritTokenVerifier(issued::recognise, this.status::revoked), 2, null),
				new AccessTokenMinter(ISSUER, () -> keys), store, store, this.events::add, CLOCK,
				Duration.ofSeconds(30));
	}

	private PolicySet load() {
		return new PolicyLoader(TestTrust.factory(CLOCK), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(this.policies);
	}

	// A fresh identity token each time: the trust domain's tokens are exchanged once.
	private String svid(String path) {
		return this.prod.svid(path).claim("jti", java.util.UUID.randomUUID().toString()).sign();
	}

	private ExchangeResult hop(String token, @Nullable String actor, String audience, @Nullable String scope) {
		Map<String, List<String>> form = new HashMap<>(TestExchanges.form(token, audience));
		form.put("subject_token_type", List.of(TokenTypes.ACCESS_TOKEN));
		if (actor != null) {
			form.put("actor_token", List.of(actor));
			form.put("actor_token_type", List.of(TokenTypes.JWT));
		}
		if (scope != null) {
			form.put("scope", List.of(scope));
		}
		return this.service.exchange(form);
	}

	private ExchangeException refused(Runnable exchange) {
		try {
			exchange.run();
		}
		catch (ExchangeException ex) {
			return ex;
		}
		throw new AssertionError("the exchange was not refused");
	}

	private static Map<String, Object> claims(ExchangeResult result) throws ParseException {
		return SignedJWT.parse(result.token().value()).getJWTClaimsSet().toJSONObject();
	}

	private String first() {
		return this.service.exchange(TestExchanges.form(svid("/a"), "https://b.example.org")).token().value();
	}

	@Test
	void threeHopsThenSubStaysActNestsInOrderAndNothingWidens() throws ParseException {
		ExchangeResult ab = this.service.exchange(TestExchanges.form(svid("/a"), "https://b.example.org"));
		ExchangeResult bc = hop(ab.token().value(), svid("/b"), "https://c.example.org", null);
		ExchangeResult cd = hop(bc.token().value(), svid("/c"), "https://d.example.org", null);

		assertThat(claims(ab)).containsEntry("sub", A)
			.containsEntry("scope", "orders:read orders:write")
			.containsEntry("subject_source", "spiffe://prod.example.org")
			.doesNotContainKeys("act", "chain");
		// The grant allows orders:admin; the token it came from did not carry it.
		assertThat(claims(bc)).containsEntry("sub", A)
			.containsEntry("scope", "orders:read orders:write")
			.containsEntry("act", Map.of("sub", "spiffe://prod.example.org/b"))
			.containsEntry("chain", List.of(Map.of("jti", ab.token().jti(), "grant", "a-calls-b")));
		// ttl: 1h asked, 10m left of the token it came from.
		assertThat(bc.token().expiresAt()).isEqualTo(ab.token().expiresAt());
		assertThat(claims(cd)).containsEntry("sub", A)
			.containsEntry("scope", "orders:read")
			.containsEntry("act",
					Map.of("sub", "spiffe://prod.example.org/c", "act", Map.of("sub", "spiffe://prod.example.org/b")))
			.containsEntry("chain", List.of(Map.of("jti", ab.token().jti(), "grant", "a-calls-b"),
					Map.of("jti", bc.token().jti(), "grant", "b-calls-c-for-a")));
		assertThat(cd.token().expiresAt()).isBeforeOrEqualTo(bc.token().expiresAt());
		assertThat(this.events).last()
			.satisfies((event) -> assertThat(event.fields()).containsEntry("derived_from", bc.token().jti())
				.containsEntry("chain_depth", 2)
				.containsEntry("actor", "spiffe://prod.example.org/c")
				.containsEntry("subject_token_type", TokenTypes.ACCESS_TOKEN));
	}

	@Test
	void aScopeTheIncomingTokenDoesNotCarryThenInvalidScope() {
		ExchangeException widened = refused(() -> hop(first(), svid("/b"), "https://c.example.org", "orders:admin"));

		assertThat(widened.errorCode()).isEqualTo(ErrorCode.INVALID_SCOPE);
	}

	@Test
	void aHopPastTheConfiguredDepthThenRefused() {
		String bc = hop(first(), svid("/b"), "https://c.example.org", null).token().value();
		String cd = hop(bc, svid("/c"), "https://d.example.org", null).token().value();

		ExchangeException tooDeep = refused(() -> hop(cd, svid("/d"), "https://e.example.org", null));

		assertThat(tooDeep.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(tooDeep.description()).isEqualTo("the delegation chain would be longer than this server allows");
	}

	@Test
	void grantsTakeWritTokensOnlyWithTheirFromAudienceAndNothingElseDoes() {
		// A plain grant never takes a Writ token, whatever its subject.
		assertThat(refused(() -> hop(first(), null, "https://b.example.org", null)).errorCode())
			.isEqualTo(ErrorCode.INVALID_TARGET);
		// A Writ token for b is not one for c.
		assertThat(refused(() -> hop(first(), svid("/c"), "https://d.example.org", null)).errorCode())
			.isEqualTo(ErrorCode.INVALID_TARGET);
		// A from_audience grant never takes the subject's own identity token.
		Map<String, List<String>> direct = new HashMap<>(TestExchanges.form(svid("/a"), "https://c.example.org"));
		direct.put("actor_token", List.of(svid("/b")));
		direct.put("actor_token_type", List.of(TokenTypes.JWT));
		assertThat(refused(() -> this.service.exchange(direct)).errorCode()).isEqualTo(ErrorCode.INVALID_TARGET);
		// Nor is another issuer's JWT presented as an access token.
		assertThat(refused(() -> hop(svid("/a"), svid("/b"), "https://c.example.org", null)).description())
			.isEqualTo("subject_token is not a current access token of this Writ");
	}

	@Test
	void rootRevokedThenEveryDerivedTokenInactiveAndNoFurtherHop() {
		String ab = first();
		String bc = hop(ab, svid("/b"), "https://c.example.org", null).token().value();
		String cd = hop(bc, svid("/c"), "https://d.example.org", null).token().value();
		assertThat(this.status.introspect(cd)).containsEntry("active", true);

		assertThat(this.status.revoke(ab)).isTrue();

		assertThat(this.status.introspect(bc)).containsExactly(Map.entry("active", false));
		assertThat(this.status.introspect(cd)).containsExactly(Map.entry("active", false));
		ExchangeException revoked = refused(() -> hop(bc, svid("/c"), "https://d.example.org", null));
		assertThat(revoked.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(revoked.description()).isEqualTo("subject_token has been revoked");
	}

	@Test
	void subjectRevokedThenEveryTokenOfItsChainsInactive() {
		String bc = hop(first(), svid("/b"), "https://c.example.org", null).token().value();

		this.status.revokeSubject(A);

		assertThat(this.status.introspect(bc)).containsExactly(Map.entry("active", false));
	}

	@Test
	void rootsGrantRevokedThenDerivedTokensInactive() {
		String bc = hop(first(), svid("/b"), "https://c.example.org", null).token().value();

		this.status.revokeGrant("a-calls-b");

		assertThat(this.status.introspect(bc)).containsExactly(Map.entry("active", false));
	}

	@Test
	void mayActOfTheRootHoldsAtEveryLaterHop() {
		String allowsB = this.prod.svid("/a")
			.claim("jti", "root-1")
			.claim("may_act", Map.of("sub", "spiffe://prod.example.org/b"))
			.sign();
		String ab = this.service.exchange(TestExchanges.form(allowsB, "https://b.example.org")).token().value();
		String bc = hop(ab, svid("/b"), "https://c.example.org", null).token().value();

		ExchangeException notNamed = refused(() -> hop(bc, svid("/c"), "https://d.example.org", null));
		assertThat(notNamed.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(notNamed.description()).isEqualTo("the actor is not the one the subject_token's may_act allows");

		String allowsOther = this.prod.svid("/a")
			.claim("jti", "root-2")
			.claim("may_act", Map.of("sub", "spiffe://prod.example.org/other"))
			.sign();
		String other = this.service.exchange(TestExchanges.form(allowsOther, "https://b.example.org")).token().value();
		assertThat(refused(() -> hop(other, svid("/b"), "https://c.example.org", null)).errorCode())
			.isEqualTo(ErrorCode.INVALID_REQUEST);
	}

	@Test
	void writTokenOfAOneTimeSourceThenExchangedAgainAsOftenAsGrantsAllow() {
		String ab = first();

		ExchangeResult once = hop(ab, svid("/b"), "https://c.example.org", null);
		ExchangeResult twice = hop(ab, svid("/b"), "https://c.example.org", null);

		assertThat(twice.allow().grantId()).isEqualTo("b-calls-c-for-a");
		assertThat(twice.token().jti()).isNotEqualTo(once.token().jti());
	}

	@Test
	void oidcEntryNameGivenToAnotherIssuerThenItsWritTokensNoLongerTaken() throws IOException {
		String ab = this.service
			.exchange(TestExchanges.form(this.ci.token("https://ci.example.org", "repo:acme/app").sign(),
					"https://b.example.org"))
			.token()
			.value();
		assertThat(hop(ab, svid("/b"), "https://c.example.org", null).allow().grantId()).isEqualTo("b-calls-c-for-ci");

		Path file = this.policies.resolve("p.yaml");
		Files.writeString(file, Files.readString(file).replace("https://ci.example.org", "https://other.example.org"));
		this.set = load();

		ExchangeException renamed = refused(() -> hop(ab, svid("/b"), "https://c.example.org", null));
		assertThat(renamed.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(renamed.description())
			.isEqualTo("subject_token's subject comes from a source this server no longer trusts");
	}

	@Test
	void hopGrantsWithoutAnActorAndTokenClaimsNamedAsTenantClaimsThenRefusedAtLoad() throws IOException {
		Path file = this.policies.resolve("p.yaml");
		String good = Files.readString(file);
		Files.writeString(file, good.replace("""
				    actor: spiffe://prod.example.org/c
				""", ""));
		assertThatExceptionOfType(PolicyException.class).isThrownBy(this::load)
			.satisfies((ex) -> assertThat(ex.problems().toString())
				.contains("a grant with from_audience names who acts: actor or actor_pattern"));

		Files.writeString(file, good.replace("""
				    jwks: { file: keys/trust/ci.jwks.json }
				""", """
				    jwks: { file: keys/trust/ci.jwks.json }
				    tenant_claims: [org]
				""").replace("""
				    subject: repo:acme/app
				    audience: https://b.example.org
				    scopes: [orders:read]
				""", """
				    subject: repo:acme/app
				    audience: https://b.example.org
				    scopes: [orders:read]
				    token_claims: { org: "'acme'" }
				"""));
		assertThatExceptionOfType(PolicyException.class).isThrownBy(this::load)
			.satisfies(
					(ex) -> assertThat(ex.problems().toString()).contains("token claim org is a tenant claim of ci"));
	}

}

package dev.writ.exchange;

import dev.writ.testing.TestTrust;
import dev.writ.trust.SubjectTokenVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.PolicySet;
import dev.writ.store.memory.MemoryStore;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestSvid;
import dev.writ.token.AccessTokenMinter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenExchangeServiceTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

	@TempDir
	Path root;

	private final TestAuthority authority = TestAuthority.ec("prod.example.org", CLOCK);

	private final List<AuditEvent> events = new ArrayList<>();

	private TokenExchangeService service;

	@BeforeEach
	void service() throws IOException {
		this.authority.writeBundle(this.root.resolve("keys/trust/prod.json"));
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("p.yaml"), """
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.json }
				grants:
				  - id: checkout-pays
				    subject: spiffe://prod.example.org/checkout
				    audience: https://payments.example.org
				    scopes: [charge]
				""");
		PolicySet set = new PolicyLoader(TestTrust.factory(CLOCK), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1))
			.load(policies);
		SigningKeys keys = new KeyDirectory(this.root.resolve("keys"), CLOCK).loadOrGenerate(KeyAlgorithm.ES256);
		MemoryStore store = new MemoryStore(CLOCK, 10_000);
		this.service = new TokenExchangeService(() -> set,
				new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), Duration.ofSeconds(30), CLOCK),
				new AccessTokenMinter("https://writ.example.org", () -> keys), store, store, this.events::add, CLOCK,
				Duration.ofSeconds(30));
	}

	@Test
	void exchangeWhenAllowedThenTokenAndOneGrantedEventWithoutSecrets() {
		String svid = this.authority.svid("/checkout").sign();

		ExchangeResult result = this.service.exchange(TestExchanges.form(svid));

		assertThat(result.allow().grantId()).isEqualTo("checkout-pays");
		assertThat(result.token().expiresAt()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(5)));
		assertThat(this.events).singleElement().satisfies((event) -> {
			Map<String, Object> fields = event.fields();
			assertThat(fields).containsEntry("outcome", "granted")
				.containsEntry("grant", "checkout-pays")
				.containsEntry("subject", "spiffe://prod.example.org/checkout")
				.containsEntry("subject_token_sha256", TokenDigest.of(svid))
				.containsEntry("issued_token_jti", result.token().jti())
				.containsKey("policy_digest")
				.containsKey("latency_us");
			assertThat(fields.values()).noneMatch((v) -> v.toString().contains(svid))
				.noneMatch((v) -> v.toString().contains(result.token().value()));
		});
	}

	@Test
	void exchangeWhenSubjectTokenInvalidThenOneDeniedEventWithPreciseReason() {
		String svid = this.authority.svid("/checkout").expiresIn(Duration.ofMinutes(-5)).sign();

		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> this.service.exchange(TestExchanges.form(svid)))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
		assertThat(this.events).singleElement()
			.satisfies((event) -> assertThat(event.fields()).containsEntry("outcome", "denied")
				.containsEntry("error", "invalid_request")
				.doesNotContainKey("subject")
				.hasEntrySatisfying("reason", (reason) -> assertThat((String) reason).startsWith("expired at")));
	}

	@Test
	void exchangeWhenRequestMalformedThenStillOneAuditEvent() {
		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> this.service.exchange(Map.of()));
		assertThat(this.events).singleElement()
			.satisfies((event) -> assertThat(event.fields()).containsEntry("outcome", "denied")
				.containsEntry("reason", "grant_type is missing"));
	}

	@Test
	void exchangeWhenActorTokenNotAJwtThenInvalidRequestNamingIt() {
		Map<String, List<String>> form = new java.util.HashMap<>(
				TestExchanges.form(this.authority.svid("/checkout").sign()));
		form.put("actor_token", List.of("x"));
		form.put("actor_token_type", List.of("urn:ietf:params:oauth:token-type:jwt"));

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> this.service.exchange(form))
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
				assertThat(ex.description()).isEqualTo("actor_token is not a canonical compact JWS");
			});
	}

	@Test
	void exchangeWhenSubjectTokenTypeNotJwtThenInvalidRequest() {
		Map<String, List<String>> form = new java.util.HashMap<>(
				TestExchanges.form(this.authority.svid("/checkout").sign()));
		form.put("subject_token_type", List.of("urn:ietf:params:oauth:token-type:access_token"));

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> this.service.exchange(form))
			.satisfies((ex) -> assertThat(ex.description())
				.startsWith("subject_token_type is not supported; Writ accepts ")
				.contains("urn:ietf:params:oauth:token-type:jwt (any JWT, a JWT access token of your IdP too)")
				.endsWith("urn:ietf:params:oauth:token-type:id_token"));
	}

	@Test
	void exchangeWhenPolicyDeniesThenNothingMinted() {
		String svid = this.authority.svid("/stranger").sign();

		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> this.service.exchange(TestExchanges.form(svid)))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_TARGET));
		assertThat(this.events).singleElement()
			.satisfies((event) -> assertThat(event.fields()).doesNotContainKey("issued_token_jti"));
	}

	@Test
	void exchangeWhenAStepFailsUnexpectedlyThenServerErrorAndAudited() {
		MemoryStore store = new MemoryStore(CLOCK, 10_000);
		TokenExchangeService broken = new TokenExchangeService(() -> {
			throw new IllegalStateException("boom");
		}, new SubjectTokenVerifier(Set.of("a"), Duration.ZERO, CLOCK), new AccessTokenMinter("https://w", () -> null),
				store, store, this.events::add, CLOCK, Duration.ZERO);

		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> broken.exchange(TestExchanges.form(this.authority.svid("/checkout").sign())))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.SERVER_ERROR))
			.satisfies((ex) -> assertThat(ex.description()).doesNotContain("boom"));
		assertThat(this.events).singleElement()
			.satisfies((event) -> assertThat(event.fields()).containsEntry("outcome", "error"));
	}

}

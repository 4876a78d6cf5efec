package dev.writ.trust;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;
import dev.writ.testing.FakeIssuer;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * OIDC issuers over real HTTP on loopback: discovery, JWKS URL, rotation, outage and
 * recovery.
 */
class OidcTrustTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final FakeIssuer issuer = FakeIssuer.start(this.clock);

	private final TrustFactory factory = new TrustFactory(
			new HttpFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), true), RemoteKeys.RefreshPolicy.defaults(),
			this.clock, Runnable::run, false);

	private final SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE),
			Duration.ofSeconds(30), this.clock);

	@AfterEach
	void stop() {
		this.issuer.close();
	}

	private TrustSet discovery() {
		return TrustSet.of(List.of(this.factory.oidcDiscovery("ci", this.issuer.issuer(), Set.of())));
	}

	private VerifiedSubject verify(String token, TrustSet trust) {
		return this.verifier.verify(token, TokenTypes.JWT, trust);
	}

	private static void assertRefused(Runnable verification, String detail) {
		assertThatExceptionOfType(ExchangeException.class).isThrownBy(verification::run)
			.satisfies((ex) -> assertThat(ex.errorCode().code()).isEqualTo("invalid_request"))
			.satisfies((ex) -> assertThat(ex.detail()).contains(detail));
	}

	@Test
	void verifyWhenIssuerEndsInASlashThenDiscoveryAtTheSingleSlashPath() {
		// Azure AD v1 issuers end in '/': OIDC Discovery §4 removes it before appending
		// the well-known path.
		String issuer = this.issuer.issuer() + "/";
		this.issuer.discoveryIssuer(issuer);
		TrustSet trust = TrustSet.of(List.of(this.factory.oidcDiscovery("ci", issuer, Set.of())));

		VerifiedSubject subject = verify(this.issuer.current().token(issuer, "s").sign(), trust);

		assertThat(subject.subject()).isEqualTo("s");
		assertThat(this.issuer.paths()).first().isEqualTo("/.well-known/openid-configuration");
	}

	@Test
	void verifyWhenRsaKeyNamesNoAlgThenRsaPkcs1OnlyNeverPss() throws Exception {
		TestAuthority rsa = TestAuthority.rsa("issuer.test", this.clock);
		com.nimbusds.jose.jwk.RSAKey published = new com.nimbusds.jose.jwk.RSAKey.Builder(
				(com.nimbusds.jose.jwk.RSAKey) rsa.oidcPublicKey())
			.algorithm(null)
			.build();
		TrustSet trust = TrustSet.of(List.of(this.factory.oidcJwks("ci", "https://ci.example.org", Set.of(),
				new com.nimbusds.jose.jwk.JWKSet(published).toString(true))));

		assertThat(verify(rsa.token("https://ci.example.org", "s").sign(), trust).subject()).isEqualTo("s");
		String pss = rsa.token("https://ci.example.org", "s").signAs(com.nimbusds.jose.JWSAlgorithm.PS256);
		assertRefused(() -> verify(pss, trust), "does not fit the key");
	}

	@Test
	void verifyWhenDiscoveryThenSubjectOfTheIssuer() {
		VerifiedSubject subject = verify(this.issuer.token("repo:acme/payments:ref:refs/heads/main").sign(),
				discovery());

		assertThat(subject.subject()).isEqualTo("repo:acme/payments:ref:refs/heads/main");
		assertThat(subject.trustSource()).isEqualTo("ci");
	}

	@Test
	void verifyWhenIdTokenTypeThenAccepted() {
		VerifiedSubject subject = this.verifier.verify(this.issuer.token("s").sign(), TokenTypes.ID_TOKEN, discovery());

		assertThat(subject.tokenType()).isEqualTo(TokenTypes.ID_TOKEN);
	}

	@Test
	void verifyWhenJwksUrlThenVerified() {
		TrustSet trust = TrustSet.of(List.of(this.factory.oidcJwksUrl("ci", this.issuer.issuer(), Set.of(),
				java.net.URI.create(this.issuer.issuer() + "/jwks"))));

		assertThat(verify(this.issuer.token("s").sign(), trust).subject()).isEqualTo("s");
	}

	@Test
	void verifyWhenKeyRotatedThenPickedUpWithoutRestart() {
		TrustSet trust = discovery();
		verify(this.issuer.token("s").sign(), trust);

		this.issuer.rotate();
		this.issuer.retireOldKeys();

		assertThat(verify(this.issuer.token("s").sign(), trust).subject()).isEqualTo("s");
		assertThat(this.issuer.keyRequests()).isEqualTo(2);
	}

	@Test
	void verifyWhenIssuerDownThenLastGoodKeysUntilBoundThenRefusedThenRecovers() {
		TrustSet trust = discovery();
		verify(this.issuer.token("s").sign(), trust);
		this.issuer.mode(FakeIssuer.Mode.DOWN);

		this.clock.advance(Duration.ofHours(5));
		assertThat(verify(this.issuer.token("s").sign(), trust).subject()).isEqualTo("s");

		this.clock.advance(Duration.ofHours(1));
		assertRefused(() -> verify(this.issuer.token("s").sign(), trust), "unavailable");

		this.issuer.mode(FakeIssuer.Mode.UP);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(verify(this.issuer.token("s").sign(), trust).subject()).isEqualTo("s");
	}

	@Test
	void factoryWhenSourceRebuiltWithTheSameConfigurationThenKeysKeptThroughAnOutage() {
		verify(this.issuer.token("s").sign(), discovery());
		this.issuer.mode(FakeIssuer.Mode.DOWN);

		// A policy reload builds the sources again: the keys survive, nothing is
		// refetched.
		TrustSet reloaded = discovery();

		assertThat(verify(this.issuer.token("s").sign(), reloaded).subject()).isEqualTo("s");
		assertThat(this.issuer.keyRequests()).isEqualTo(1);
	}

	@Test
	void verifyWhenDiscoveryNamesAnotherIssuerThenRefused() {
		this.issuer.discoveryIssuer("https://impostor.example.org");

		assertRefused(() -> verify(this.issuer.token("s").sign(), discovery()), "issuer does not match");
	}

	@Test
	void verifyWhenKeysRedirectElsewhereThenTheOtherOriginsKeysNeverTrusted() {
		this.issuer.mode(FakeIssuer.Mode.REDIRECT_AWAY);
		String forged = this.issuer.attacker().token(this.issuer.issuer(), "s").sign();

		assertRefused(() -> verify(forged, discovery()), "another origin");
	}

	@Test
	void verifyWhenMalformedOrHugeKeysThenRefused() {
		this.issuer.mode(FakeIssuer.Mode.MALFORMED);
		assertRefused(() -> verify(this.issuer.token("s").sign(), discovery()), "not a JSON object");

		this.issuer.mode(FakeIssuer.Mode.HUGE);
		TrustSet other = TrustSet.of(List.of(this.factory.oidcDiscovery("ci-other", this.issuer.issuer(), Set.of())));
		assertRefused(() -> verify(this.issuer.token("s").sign(), other), "larger than");
	}

	@Test
	void verifyWhenJwksMalformedThenRefused() {
		TrustSet trust = TrustSet.of(List.of(this.factory.oidcJwksUrl("ci", this.issuer.issuer(), Set.of(),
				java.net.URI.create(this.issuer.issuer() + "/jwks"))));
		this.issuer.mode(FakeIssuer.Mode.MALFORMED);

		assertRefused(() -> verify(this.issuer.token("s").sign(), trust), "is not a JWK set");
	}

	@Test
	void verifyWhenTokenOfAnotherIssuerThenNeverRoutedHere() {
		String token = TestAuthority.ec("x", this.clock).token("https://untrusted.example.org", "s").sign();

		assertRefused(() -> verify(token, discovery()), "is not trusted");
		assertThat(this.issuer.keyRequests()).isZero();
	}

	@Test
	void verifyWhenSignedByAKeyTheIssuerNeverPublishedThenRefused() {
		String forged = this.issuer.attacker()
			.token(this.issuer.issuer(), "s")
			.header((h) -> h.keyID(this.issuer.current().kid()))
			.sign();

		assertRefused(() -> verify(forged, discovery()), "signature does not verify");
	}

	@Test
	void verifyWhenEntryNamesItsOwnAudienceThenOnlyThatAudience() {
		TrustSet trust = TrustSet
			.of(List.of(this.factory.oidcDiscovery("ci", this.issuer.issuer(), Set.of("writ-ci"))));

		assertThat(verify(this.issuer.token("s").audience("writ-ci").sign(), trust).subject()).isEqualTo("s");
		assertRefused(() -> verify(this.issuer.token("s").sign(), trust),
				"aud names [" + TestSvid.DEFAULT_AUDIENCE + "]; accepted here: [writ-ci]");
	}

	@Test
	void verifyWhenOidcIssuerAssertsASpiffeIdThenRefused() {
		String token = this.issuer.token("spiffe://prod.example.org/ns/prod/sa/admin").sign();

		assertRefused(() -> verify(token, discovery()), "asserted a SPIFFE ID");
	}

	@Test
	void verifyWhenNoSubThenRefused() {
		assertRefused(() -> verify(this.issuer.token("s").claim("sub", null).sign(), discovery()), "sub is missing");
	}

	@Test
	void trustSetWhenTwoSourcesClaimOneIssuerThenRefused() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> TrustSet.of(List.of(this.factory.oidcDiscovery("a", this.issuer.issuer(), Set.of()),
					this.factory.oidcDiscovery("b", this.issuer.issuer(), Set.of()))));
	}

	@Test
	void bundleEndpointWhenSequenceGoesBackwardsThenKeptOldKeys() {
		io.spiffe.spiffeid.TrustDomain domain = io.spiffe.spiffeid.TrustDomain.parse("prod.example.org");
		TrustSet trust = TrustSet
			.of(List.of(this.factory.spiffeEndpoint(domain, java.net.URI.create(this.issuer.issuer() + "/bundle"))));
		TestAuthority key = this.issuer.current();
		this.issuer.sequence(5);
		assertThat(verify(key.svid("/a").subject("spiffe://prod.example.org/a").sign(), trust).subject())
			.isEqualTo("spiffe://prod.example.org/a");

		// The endpoint rolls back to an older bundle without the current key: refused,
		// the newer keys stay.
		this.issuer.sequence(4);
		this.issuer.rotate();
		this.issuer.retireOldKeys();
		this.clock.advance(Duration.ofMinutes(5));
		String withOldKey = key.svid("/a").subject("spiffe://prod.example.org/a").sign();
		assertThat(verify(withOldKey, trust).subject()).isEqualTo("spiffe://prod.example.org/a");
		SourceHealth health = trust.sources().get(0).keys().health();
		assertThat(health.lastError()).hasValueSatisfying((e) -> assertThat(e).contains("sequence went backwards"));
	}

}

package dev.writ.trust;

import java.time.Clock;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import io.spiffe.spiffeid.TrustDomain;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSpiffeCa;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class X509SvidVerifierTests {

	static final Clock CLOCK = Clock.systemUTC();

	static final TestAuthority PROD = TestAuthority.ec("prod.example.org", CLOCK);

	static final TestAuthority OTHER = TestAuthority.ec("other.example.org", CLOCK);

	final X509SvidVerifier verifier = new X509SvidVerifier(CLOCK);

	final TrustSet trust = TestTrust.spiffe(CLOCK, PROD);

	@Test
	void verifyWhenValidSvidThenItsSpiffeIdAndTrustDomain() {
		TestSpiffeCa.Svid svid = PROD.x509().svid("/ns/payments/sa/api").issue();

		VerifiedSubject subject = this.verifier.verify(svid.chainList(), this.trust);

		assertThat(subject.subject()).isEqualTo("spiffe://prod.example.org/ns/payments/sa/api");
		assertThat(subject.trustSource()).isEqualTo("spiffe://prod.example.org");
		assertThat(subject.tokenType()).isEqualTo(TokenTypes.X509_SVID);
		assertThat(subject.expiresAt()).isEqualTo(svid.leaf().getNotAfter().toInstant());
		assertThat(subject.claims()).containsEntry("sub", "spiffe://prod.example.org/ns/payments/sa/api")
			.containsEntry("x5t#S256", X509SvidVerifier.thumbprint(svid.leaf()));
	}

	@Test
	void verifyWhenSignedThroughAnIntermediateSentAlongThenVerified() {
		TestSpiffeCa.Svid svid = PROD.x509().svid("/ns/payments/sa/api").viaIntermediate().issue();

		assertThat(svid.chain()).hasSize(2);
		assertThat(this.verifier.verify(svid.chainList(), this.trust).subject())
			.isEqualTo("spiffe://prod.example.org/ns/payments/sa/api");
	}

	@Test
	void verifyWhenIntermediateNotSentThenRefused() {
		TestSpiffeCa.Svid svid = PROD.x509().svid("/ns/payments/sa/api").viaIntermediate().issue();

		assertRefused(List.of(svid.leaf()), "the client certificate is not an X.509-SVID this server trusts");
	}

	static Stream<Arguments> refusals() {
		TestSpiffeCa ca = PROD.x509();
		return Stream.of(
				Arguments.of("expired",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								c) -> c.svid("/ns/payments/sa/api").expiredAgo(Duration.ofMinutes(1)).issue(),
						"the client certificate has expired"),
				Arguments.of("a CA",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								c) -> c.svid("/ns/payments/sa/api").ca().keyUsage(KeyUsage.digitalSignature).issue(),
						"the client certificate is a CA certificate, not a workload's X.509-SVID"),
				Arguments.of("two URI SANs",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (c) -> c.svid("/ns/payments/sa/api")
							.alsoNamed("spiffe://prod.example.org/ns/payments/sa/admin")
							.issue(),
						"an X.509-SVID names exactly one URI SAN"),
				Arguments.of("a URI SAN that is no SPIFFE ID",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								c) -> c.svid("/x").alsoNamed("https://example.org").issue(),
						"an X.509-SVID names exactly one URI SAN"),
				Arguments.of("keyCertSign on a leaf",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (c) -> c.svid("/ns/payments/sa/api")
							.keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)
							.issue(),
						"the client certificate's key usage is not an X.509-SVID's: digitalSignature, and "
								+ "neither keyCertSign nor cRLSign"),
				Arguments.of("no digitalSignature",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								c) -> c.svid("/ns/payments/sa/api").keyUsage(KeyUsage.keyEncipherment).issue(),
						"the client certificate's key usage is not an X.509-SVID's: digitalSignature, and "
								+ "neither keyCertSign nor cRLSign"),
				Arguments.of("no key usage",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								c) -> c.svid("/ns/payments/sa/api").keyUsage(0).issue(),
						"the client certificate's key usage is not an X.509-SVID's: digitalSignature, and "
								+ "neither keyCertSign nor cRLSign"),
				Arguments.of("server authentication only",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (c) -> c.svid("/ns/payments/sa/api")
							.extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
							.issue(),
						"the client certificate's extended key usage does not allow client authentication"),
				Arguments.of("the trust domain's own ID",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (c) -> c.svid("").issue(),
						"the client certificate's URI SAN is not a SPIFFE ID of a workload"),
				Arguments.of("another CA of the same name",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (c) -> c.svid("/ns/payments/sa/api")
							.issueByImpostor(),
						"the client certificate is not an X.509-SVID this server trusts"),
				Arguments.of("an untrusted trust domain",
						(Function<TestSpiffeCa, TestSpiffeCa.Svid>) (
								c) -> OTHER.x509().svid("/ns/payments/sa/api").issue(),
						"the client certificate is not an X.509-SVID this server trusts"))
			.map((arguments) -> Arguments.of(arguments.get()[0], arguments.get()[1], arguments.get()[2], ca));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusals")
	void verifyWhenNotAValidSvidThenRefusedAsInvalidRequest(String name, Function<TestSpiffeCa, TestSpiffeCa.Svid> make,
			String description, TestSpiffeCa ca) {
		assertRefused(make.apply(ca).chainList(), description);
	}

	@Test
	void verifyWhenTrustDomainHasNoX509AuthoritiesThenRefused() {
		TrustSet jwtOnly = TrustSet.of(List.of(TestTrust.factory(CLOCK)
			.spiffeBundle(TrustDomain.parse("prod.example.org"), TestAuthority.bundleJson(List.of(PROD), 1, 300))));

		ExchangeException refused = catchThrowableOfType(ExchangeException.class,
				() -> this.verifier.verify(PROD.x509().svid("/a").issue().chainList(), jwtOnly));

		assertThat(refused.description()).isEqualTo("the client certificate is not an X.509-SVID this server trusts");
		assertThat(refused.detail()).contains("no x509-svid authorities");
	}

	static TrustSet trusting(TestSpiffeCa ca) {
		return TrustSet.of(List.of(TestTrust.factory(CLOCK)
			.spiffeBundle(TrustDomain.parse(ca.trustDomain()),
					new com.nimbusds.jose.jwk.JWKSet(List.of(ca.bundleEntry())).toString())));
	}

	@Test
	void verifyWhenTheAuthorityHasExpiredThenRefused() {
		TestSpiffeCa expired = TestSpiffeCa.expired("prod.example.org");

		ExchangeException refused = catchThrowableOfType(ExchangeException.class,
				() -> this.verifier.verify(expired.svid("/a").issue().chainList(), trusting(expired)));

		assertThat(refused.description()).isEqualTo("the client certificate is not an X.509-SVID this server trusts");
		assertThat(refused.detail()).contains("is valid now");
		assertThat(refused.detail()).doesNotContain("does not chain");
	}

	@Test
	void verifyWhenTheAuthorityIsNameConstrainedElsewhereThenRefused() {
		TestSpiffeCa elsewhere = TestSpiffeCa.constrainedTo("prod.example.org", "other.example.org");
		TestSpiffeCa here = TestSpiffeCa.constrainedTo("prod.example.org", "prod.example.org");

		ExchangeException refused = catchThrowableOfType(ExchangeException.class,
				() -> this.verifier.verify(elsewhere.svid("/a").issue().chainList(), trusting(elsewhere)));

		assertThat(refused.description()).isEqualTo("the client certificate is not an X.509-SVID this server trusts");
		ExchangeException debug = catchThrowableOfType(ExchangeException.class,
				() -> this.verifier.verify(here.svid("/a").issue().chainList(), trusting(here)));
		System.out.println("DEBUG " + (debug == null ? null : debug.detail()));
		assertThat(this.verifier.verify(here.svid("/a").issue().chainList(), trusting(here)).subject())
			.isEqualTo("spiffe://prod.example.org/a");
	}

	@Test
	void permitsWhenConstrainedToADomainAndBelowThenAsRfc5280SaysForUris() {
		X509Certificate below = TestSpiffeCa.constrainedTo("prod.example.org", ".example.org").certificate();
		X509Certificate exactly = TestSpiffeCa.constrainedTo("prod.example.org", "prod.example.org").certificate();

		assertThat(X509SvidVerifier.permits(below, "prod.example.org")).isTrue();
		assertThat(X509SvidVerifier.permits(below, "example.org")).isFalse();
		assertThat(X509SvidVerifier.permits(below, "prod.example.org.evil")).isFalse();
		assertThat(X509SvidVerifier.permits(exactly, "prod.example.org")).isTrue();
		assertThat(X509SvidVerifier.permits(exactly, "dev.prod.example.org")).isFalse();
		assertThat(X509SvidVerifier.permits(PROD.x509().certificate(), "anything.example")).isTrue();
	}

	@Test
	void verifyWhenTheTrustDomainsKeysAreUnavailableThenRefusedAsUntrustedNotAnError() {
		TrustSet down = TrustSet.of(List.of(TestTrust.factory(CLOCK)
			.spiffeEndpoint(TrustDomain.parse("prod.example.org"), java.net.URI.create("http://127.0.0.1:1/bundle"))));

		ExchangeException refused = catchThrowableOfType(ExchangeException.class,
				() -> this.verifier.verify(PROD.x509().svid("/a").issue().chainList(), down));

		assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(refused.description()).isEqualTo("the client certificate is not an X.509-SVID this server trusts");
		assertThat(refused.detail()).contains("unavailable");
	}

	@Test
	void verifyWhenChainEmptyOrTooLongThenRefused() {
		TestSpiffeCa.Svid svid = PROD.x509().svid("/a").issue();
		assertRefused(List.of(), "the client certificate chain is empty or too long");
		assertRefused(java.util.Collections.nCopies(X509SvidVerifier.MAX_CHAIN + 1, svid.leaf()),
				"the client certificate chain is empty or too long");
	}

	@Test
	void verifyWhenClockPastTheCertificateThenExpired() {
		TestSpiffeCa.Svid svid = PROD.x509().svid("/a").issue();
		X509SvidVerifier later = new X509SvidVerifier(
				Clock.fixed(svid.leaf().getNotAfter().toInstant().plusSeconds(1), java.time.ZoneOffset.UTC));

		ExchangeException refused = catchThrowableOfType(ExchangeException.class,
				() -> later.verify(svid.chainList(), this.trust));

		assertThat(refused.description()).isEqualTo("the client certificate has expired");
	}

	@Test
	void claimsSpiffeIdWhenUriSanIsSpiffeThenTrue() {
		assertThat(X509SvidVerifier.claimsSpiffeId(PROD.x509().svid("/a").issue().leaf())).isTrue();
		assertThat(X509SvidVerifier.claimsSpiffeId(dev.writ.testing.TestTls.generate().certificate())).isFalse();
	}

	void assertRefused(List<java.security.cert.X509Certificate> chain, String description) {
		ExchangeException refused = catchThrowableOfType(ExchangeException.class,
				() -> this.verifier.verify(chain, this.trust));
		assertThat(refused).isNotNull();
		assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(refused.description()).isEqualTo(description);
		// Nothing of the trust configuration in what the client reads.
		assertThat(refused.description()).doesNotContain("prod.example.org").doesNotContain("other.example.org");
	}

}

package dev.writ.trust;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.testing.TestDpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * RFC 9449 §4.3: what makes a DPoP proof valid for a token request, and each way one is
 * not.
 */
class DpopVerifierTests {

	static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

	static final String HTU = "https://writ.example.org/oauth2/token";

	final DpopVerifier verifier = new DpopVerifier(URI.create(HTU), Duration.ofSeconds(30),
			Clock.fixed(NOW, ZoneOffset.UTC));

	final TestDpop client = TestDpop.generate();

	private ExchangeException refused(String proof) {
		return refused(List.of(proof));
	}

	private ExchangeException refused(List<String> proofs) {
		try {
			this.verifier.verify(proofs, "POST");
		}
		catch (ExchangeException ex) {
			assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_DPOP_PROOF);
			return ex;
		}
		throw new AssertionError("the proof was accepted");
	}

	@Test
	void validProofThenItsKeysThumbprintAndJti() {
		DpopVerifier.DpopProof proof = this.verifier
			.verify(List.of(this.client.proof("POST", HTU, NOW).jti("p-1").sign()), "POST");

		assertThat(proof.jkt()).isEqualTo(this.client.jkt());
		assertThat(proof.jti()).isEqualTo("p-1");
	}

	@Test
	void htuComparedAsRfc3986NormalisesItWithoutQueryOrFragment() {
		for (String htu : List.of("https://WRIT.example.org/oauth2/token", "https://writ.example.org:443/oauth2/token",
				"https://writ.example.org/oauth2/token?x=1", "https://writ.example.org/oauth2/token#f")) {
			assertThat(this.verifier.verify(List.of(this.client.proof("POST", htu, NOW).sign()), "POST").jkt()).as(htu)
				.isEqualTo(this.client.jkt());
		}
	}

	@Test
	void proofForAnotherUrlOrMethodThenRefused() {
		assertThat(refused(this.client.proof("POST", "https://writ.example.org/oauth2/introspect", NOW).sign())
			.description()).isEqualTo("the DPoP proof's htu is not this token endpoint");
		assertThat(refused(this.client.proof("POST", "http://writ.example.org/oauth2/token", NOW).sign()).description())
			.isEqualTo("the DPoP proof's htu is not this token endpoint");
		assertThat(refused(this.client.proof("GET", HTU, NOW).sign()).description())
			.isEqualTo("the DPoP proof's htm is not this request's method");
	}

	@Test
	void staleOrFutureIatThenRefused() {
		assertThat(refused(this.client.proof("POST", HTU, NOW).iatOffset(Duration.ofSeconds(-31)).sign()).description())
			.isEqualTo("the DPoP proof's iat is not recent");
		assertThat(refused(this.client.proof("POST", HTU, NOW).iatOffset(Duration.ofSeconds(31)).sign()).description())
			.isEqualTo("the DPoP proof's iat is not recent");
		assertThat(this.verifier
			.verify(List.of(this.client.proof("POST", HTU, NOW).iatOffset(Duration.ofSeconds(-30)).sign()), "POST"))
			.isNotNull();
	}

	@Test
	void privateKeyInTheJwkThenRefused() {
		assertThat(refused(this.client.proof("POST", HTU, NOW).withPrivateJwk().sign()).description())
			.contains("public");
	}

	@Test
	void signatureByAnotherKeyThanItsJwkThenRefused() {
		assertThat(refused(this.client.proof("POST", HTU, NOW).withJwkOf(TestDpop.generate()).sign()).description())
			.isEqualTo("the DPoP proof's signature does not verify with its jwk");
	}

	@Test
	void wrongTypOrNoJtiOrTwoHeadersOrNotAJwsThenRefused() {
		assertThat(refused(this.client.proof("POST", HTU, NOW).typ("JWT").sign()).description())
			.isEqualTo("the DPoP proof's typ is not dpop+jwt");
		assertThat(refused(this.client.proof("POST", HTU, NOW).jti("").sign()).description())
			.isEqualTo("the DPoP proof needs a jti");
		String proof = this.client.proof("POST", HTU, NOW).sign();
		assertThat(refused(List.of(proof, proof)).description()).isEqualTo("send exactly one DPoP header");
		assertThat(refused("not.a.proof").description()).startsWith("the DPoP proof is not a canonical compact JWS");
	}

	@Test
	void unsignedOrHmacProofThenRefused() {
		String[] parts = this.client.proof("POST", HTU, NOW).sign().split("\\.");
		String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]),
				java.nio.charset.StandardCharsets.UTF_8);
		for (String alg : List.of("none", "HS256")) {
			String forged = java.util.Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(header.replace("\"ES256\"", "\"" + alg + "\"")
					.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			ExchangeException ex = refused(forged + "." + parts[1] + "." + parts[2]);
			assertThat(ex.description()).as(alg).startsWith("the DPoP proof");
		}
	}

	@Test
	void refusalDescriptionsNeverHoldTheProof() {
		String proof = this.client.proof("GET", HTU, NOW).sign();

		ExchangeException ex = refused(proof);

		assertThat(ex.description() + ex.detail()).doesNotContain(proof).doesNotContain(proof.split("\\.")[1]);
	}

	@Test
	void rsaProofOfAUsualKeyThenAcceptedAndOneWithAnOddExponentRefused() {
		TestDpop rsa = TestDpop.rsa(2048, java.security.spec.RSAKeyGenParameterSpec.F4);
		assertThat(this.verifier.verify(List.of(rsa.proof("POST", HTU, NOW).sign()), "POST").jkt())
			.isEqualTo(rsa.jkt());

		TestDpop odd = TestDpop.rsa(2048, java.math.BigInteger.valueOf(3));
		assertThat(refused(odd.proof("POST", HTU, NOW).sign()).description())
			.isEqualTo("the DPoP proof's RSA key must have 2048 to 4096 bits and the exponent 65537");
	}

	@Test
	void iatNoDateCanHoldThenRefusedNotReadAsNow() {
		long overflow = NOW.getEpochSecond() + (1L << 61);
		assertThat(refused(this.client.proof("POST", HTU, NOW).iatValue(overflow).sign()).description())
			.isEqualTo("the DPoP proof needs an iat");
		assertThat(refused(this.client.proof("POST", HTU, NOW).iatValue("now").sign()).description())
			.isEqualTo("the DPoP proof needs an iat");
	}

	@Test
	void typAsAMediaTypeThenAccepted() {
		assertThat(this.verifier
			.verify(List.of(this.client.proof("POST", HTU, NOW).typ("application/dpop+jwt").sign()), "POST")
			.jkt()).isEqualTo(this.client.jkt());
	}

}

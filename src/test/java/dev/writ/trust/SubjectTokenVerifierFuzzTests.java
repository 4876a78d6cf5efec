package dev.writ.trust;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.spiffe.spiffeid.TrustDomain;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link SubjectTokenVerifier#verify} — header checks, routing, claims checks,
 * signature — against a trust set of two SPIFFE trust domains (EC and RSA) and one OIDC
 * issuer, all keyed at test time. The oracle: nothing but an {@link ExchangeException}
 * with {@code invalid_request} escapes, its detail never repeats the token, a token
 * presented again (a hit in the verified-token cache) meets the same answer, and an
 * accepted subject is the token's {@code sub}, from a source the trust set holds.
 *
 * <p>
 * An input without a line break is a token as a client would send it. An input with one
 * is a JWS header's JSON, a line break, and a claims set's JSON: both are signed as they
 * stand, byte for byte, with the key the header names, so a hostile header or claims set
 * gets past the signature to the claims checks. In them {@code ${kid}},
 * {@code ${rsa_kid}} and {@code ${oidc_kid}} stand for the keys' {@code kid}s (made at
 * test time), {@code ${iss}} for the OIDC issuer, {@code ${aud}} for Writ's audience,
 * {@code ${now}} and {@code ${exp}} for the clock's epoch second and five minutes later.
 */
final class SubjectTokenVerifierFuzzTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

	private static final TestAuthority SPIFFE = TestAuthority.ec("fuzz.example.org", CLOCK);

	private static final TestAuthority RSA = TestAuthority.rsa("rsa.fuzz.example.org", CLOCK);

	private static final TestAuthority OIDC = TestAuthority.ec("idp.fuzz.example.org", CLOCK);

	private static final String ISSUER = "https://idp.fuzz.example.org";

	private static final TrustSet TRUST = trust();

	private static final Set<String> SOURCES = Set.of("spiffe://fuzz.example.org", "spiffe://rsa.fuzz.example.org",
			"fuzz-idp");

	private static final Duration SKEW = Duration.ofSeconds(30);

	@DictionaryFile(resourcePath = "token.dict")
	@FuzzTest
	void verify(byte[] input) {
		String token = token(new String(input, StandardCharsets.UTF_8));
		for (String type : List.of(TokenTypes.JWT, TokenTypes.ID_TOKEN)) {
			// A verifier per input: its cache, bounded and never purged under a fixed
			// clock, would fill and go quiet.
			SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), SKEW, CLOCK, 4);
			String first = outcome(verifier, token, type);
			assertThat(outcome(verifier, token, type)).as("the same token again").isEqualTo(first);
		}
	}

	private static String outcome(SubjectTokenVerifier verifier, String token, String type) {
		VerifiedSubject subject;
		try {
			subject = verifier.verify(token, type, TRUST);
		}
		catch (ExchangeException ex) {
			assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
			if (token.length() >= 16) {
				assertThat(ex.detail()).doesNotContain(token);
			}
			return "refused: " + ex.getMessage();
		}
		assertThat(subject.tokenType()).isEqualTo(type);
		assertThat(subject.trustSource()).isIn(SOURCES);
		assertThat(subject.claims().get("sub")).isEqualTo(subject.subject());
		if (subject.trustSource().startsWith("spiffe://")) {
			assertThat(SpiffeIds.parseId(subject.subject()).getTrustDomain().toIdString())
				.isEqualTo(subject.trustSource());
		}
		assertThat(subject.expiresAt()).isAfter(CLOCK.instant().minus(SKEW));
		return "accepted: " + subject + " " + subject.tokenId() + " " + subject.expiresAt();
	}

	private static String token(String text) {
		int lineBreak = text.indexOf('\n');
		if (lineBreak < 0) {
			return text;
		}
		String header = substituted(text.substring(0, lineBreak));
		String claims = substituted(text.substring(lineBreak + 1));
		String signingInput = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ Base64URL.encode(claims.getBytes(StandardCharsets.UTF_8));
		TestAuthority signer = header.contains(RSA.kid()) ? RSA : header.contains(OIDC.kid()) ? OIDC : SPIFFE;
		try {
			JWSSigner jws = (signer.privateKey() instanceof RSAKey rsa) ? new RSASSASigner(rsa)
					: new ECDSASigner(signer.privateKey().toECKey());
			// The signature covers the bytes as given; the header object only tells the
			// signer its algorithm.
			return signingInput + "."
					+ jws.sign(new JWSHeader(signer.algorithm()), signingInput.getBytes(StandardCharsets.US_ASCII));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String substituted(String json) {
		long now = CLOCK.instant().getEpochSecond();
		return json.replace("${kid}", SPIFFE.kid())
			.replace("${rsa_kid}", RSA.kid())
			.replace("${oidc_kid}", OIDC.kid())
			.replace("${iss}", ISSUER)
			.replace("${aud}", TestSvid.DEFAULT_AUDIENCE)
			.replace("${now}", Long.toString(now))
			.replace("${exp}", Long.toString(now + 300));
	}

	private static TrustSet trust() {
		TrustFactory factory = TestTrust.factory(CLOCK);
		return TrustSet.of(List.of(factory.spiffeBundle(TrustDomain.parse(SPIFFE.trustDomain()), SPIFFE.bundleJson()),
				factory.spiffeBundle(TrustDomain.parse(RSA.trustDomain()), RSA.bundleJson()),
				factory.oidcJwks("fuzz-idp", ISSUER, Set.of(), new JWKSet(OIDC.oidcPublicKey()).toString())));
	}

}

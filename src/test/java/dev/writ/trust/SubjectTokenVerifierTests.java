package dev.writ.trust;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestSvid;
import dev.writ.testing.TestTrust;
import dev.writ.request.TokenTypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SubjectTokenVerifierTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private static final Duration SKEW = Duration.ofSeconds(30);

	private static final TestAuthority PROD = TestAuthority.ec("prod.example.org", CLOCK);

	private static final TestAuthority PROD_RSA = TestAuthority.rsa("rsa.example.org", CLOCK);

	private static final TestAuthority OTHER = TestAuthority.ec("other.example.org", CLOCK);

	private static final TrustSet TRUST = TestTrust.spiffe(CLOCK, PROD, PROD_RSA);

	private final SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), SKEW, CLOCK);

	private VerifiedSubject verify(String token, TrustSet trust) {
		return this.verifier.verify(token, TokenTypes.JWT, trust);
	}

	@Test
	void verifyWhenValidEs256SvidThenVerifiedSubject() {
		VerifiedSubject subject = verify(PROD.svid("/ns/prod/sa/checkout").sign(), TRUST);

		assertThat(subject.subject()).isEqualTo("spiffe://prod.example.org/ns/prod/sa/checkout");
		assertThat(subject.trustSource()).isEqualTo("spiffe://prod.example.org");
		assertThat(subject.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
		assertThat(subject.claims()).containsKey("aud");
	}

	@Test
	void verifyWhenValidRs256SvidThenVerifiedSubject() {
		VerifiedSubject subject = verify(PROD_RSA.svid("/api").sign(), TRUST);

		assertThat(subject.subject()).isEqualTo("spiffe://rsa.example.org/api");
	}

	@Test
	void verifyWhenTypAbsentOrJoseThenAccepted() {
		assertThat(verify(PROD.svid("/a").header((h) -> h.type(null)).sign(), TRUST)).isNotNull();
		assertThat(verify(PROD.svid("/a").header((h) -> h.type(JOSEObjectType.JOSE)).sign(), TRUST))
			.isNotNull();
	}

	@Test
	void verifyWhenSeveralAudiencesIncludingOursThenAccepted() {
		String token = PROD.svid("/a").audience("https://elsewhere.example", TestSvid.DEFAULT_AUDIENCE).sign();

		assertThat(verify(token, TRUST).subject()).isEqualTo("spiffe://prod.example.org/a");
	}

	@Test
	void verifyWhenWithinSkewThenAccepted() {
		String expiredWithinSkew = PROD.svid("/a").expiresIn(Duration.ofSeconds(-29)).sign();
		String notBeforeWithinSkew = PROD.svid("/a").notBefore(Duration.ofSeconds(29)).sign();
		String issuedWithinSkew = PROD.svid("/a").issuedAt(Duration.ofSeconds(29)).sign();

		assertThat(verify(expiredWithinSkew, TRUST)).isNotNull();
		assertThat(verify(notBeforeWithinSkew, TRUST)).isNotNull();
		assertThat(verify(issuedWithinSkew, TRUST)).isNotNull();
	}

	static Stream<Arguments> rejections() {
		return Stream.of(
				arguments("alg none", (Function<TestAuthority, String>) (a) -> a.svid("/a").unsecured(),
						"subject_token is not a well-formed signed JWT"),
				arguments("HS256 keyed with the public key", fn((a) -> a.svid("/a").hs256KeyedWithPublicKey()),
						"subject_token could not be verified"),
				arguments("unknown kid", fn((a) -> a.svid("/a").header((h) -> h.keyID("nope")).sign()),
						"subject_token could not be verified"),
				arguments("no kid", fn((a) -> a.svid("/a").header((h) -> h.keyID(null)).sign()),
						"subject_token could not be verified"),
				arguments("untrusted key under a trusted kid", fn((a) -> a.svid("/a").signWith(a.impostor().privateKey())),
						"subject_token could not be verified"),
				arguments("ES384 header on a P-256 key", fn((a) -> a.svid("/a").signedButLabelled(JWSAlgorithm.ES384)),
						"subject_token could not be verified"),
				arguments("expired", fn((a) -> a.svid("/a").expiresIn(Duration.ofSeconds(-31)).sign()),
						"subject_token has expired"),
				arguments("no exp", fn((a) -> a.svid("/a").claim("exp", null).sign()), "subject_token has no exp"),
				arguments("nbf in the future", fn((a) -> a.svid("/a").notBefore(Duration.ofSeconds(31)).sign()),
						"subject_token is not valid yet"),
				arguments("iat in the future", fn((a) -> a.svid("/a").issuedAt(Duration.ofSeconds(31)).sign()),
						"subject_token was issued in the future"),
				arguments("wrong audience", fn((a) -> a.svid("/a").audience("https://elsewhere.example").sign()),
						"subject_token audience does not name this server"),
				arguments("no audience", fn((a) -> a.svid("/a").claim("aud", null).sign()), "subject_token has no aud"),
				arguments("typ at+jwt", fn((a) -> a.svid("/a").header((h) -> h.type(new JOSEObjectType("at+jwt"))).sign()),
						"subject_token could not be verified"),
				arguments("embedded jwk header", fn((a) -> a.svid("/a")
					.header((h) -> h.jwk(((ECKey) a.privateKey()).toPublicJWK())).sign()), "subject_token could not be verified"),
				arguments("jku header", fn((a) -> a.svid("/a")
					.header((h) -> h.jwkURL(java.net.URI.create("https://attacker.example/jwks"))).sign()),
						"subject_token could not be verified"),
				arguments("untrusted trust domain", fn((a) -> OTHER.svid("/a").sign()), "subject_token could not be verified"),
				arguments("trusted domain's kid but other domain's sub", fn((a) -> a.svid("/a")
					.subject("spiffe://rsa.example.org/a").sign()), "subject_token could not be verified"),
				arguments("sub not a string", fn((a) -> a.svid("/a").claim("sub", 42).sign()),
						"subject_token sub is not a SPIFFE ID"),
				arguments("no sub", fn((a) -> a.svid("/a").claim("sub", null).sign()), "subject_token has no sub"),
				arguments("exp a string", fn((a) -> a.svid("/a").claim("exp", "tomorrow").sign()),
						"subject_token is not a well-formed signed JWT"),
				arguments("exp beyond any date", fn((a) -> a.svid("/a").claim("exp", 1e300).sign()), "subject_token has expired"),
				arguments("aud a number", fn((a) -> a.svid("/a").claim("aud", 42).sign()), "subject_token has no aud"),
				arguments("five-part JWE-shaped token", fn((a) -> "a.b.c.d.e"), "subject_token is not a well-formed signed JWT"),
				arguments("not a JWT at all", fn((a) -> "not-a-jwt"), "subject_token is not a well-formed signed JWT"));
	}

	private static Function<TestAuthority, String> fn(Function<TestAuthority, String> f) {
		return f;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejections")
	void verifyWhenInvalidThenInvalidRequest(String name, Function<TestAuthority, String> token, String description) {
		String serialized = token.apply(PROD);

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(serialized, TRUST))
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
				assertThat(ex.description()).isEqualTo(description);
				assertThat(ex.detail()).doesNotContain(serialized);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://prod.example.org/a", "spiffe://PROD.example.org/a", "spiffe://prod.example.org/a/",
			"spiffe://prod.example.org//a", "spiffe://prod.example.org/./a", "spiffe://prod.example.org/a/../b",
			"spiffe://prod.example.org/a?x=1", "spiffe://prod.example.org/a#f", "spiffe://prod.example.org:443/a",
			"spiffe://user@prod.example.org/a", "spiffe:///a", "spiffe://prod.example.org/a%20b", "" })
	void verifyWhenSubIsNotASpiffeIdThenInvalidRequest(String sub) {
		String token = PROD.svid("/a").subject(sub).sign();

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, TRUST))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
	}

	@Test
	void verifyWhenSpiffeIdLongerThan2048BytesThenInvalidRequest() {
		String token = PROD.svid("/" + "a".repeat(2100)).sign();

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, TRUST))
			.satisfies((ex) -> assertThat(ex.detail()).contains("2048"));
	}

	@Test
	void verifyWhenTrustIsEmptyThenNothingVerifies() {
		String token = PROD.svid("/a").sign();

		assertThatExceptionOfType(ExchangeException.class)
			.isThrownBy(() -> verify(token, TrustSet.empty()))
			.satisfies((ex) -> assertThat(ex.detail()).contains("not trusted"));
	}

	@Test
	void constructorWhenNoAudiencesThenRefused() {
		// java-spiffe's validator accepts any audience when the expected set is empty; Writ never allows that.
		assertThatIllegalArgumentException().isThrownBy(() -> new SubjectTokenVerifier(Set.of(), SKEW, CLOCK));
	}

	@Test
	void constructorWhenSkewAboveSixtySecondsThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubjectTokenVerifier(Set.of("a"), Duration.ofSeconds(61), CLOCK));
	}

}

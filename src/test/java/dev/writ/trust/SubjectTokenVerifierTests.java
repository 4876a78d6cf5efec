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
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SubjectTokenVerifierTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private static final Duration SKEW = Duration.ofSeconds(30);

	private static final TestAuthority PROD = TestAuthority.ec("prod.example.org", CLOCK);

	private static final TestAuthority PROD_RSA = TestAuthority.rsa("rsa.example.org", CLOCK);

	private static final TestAuthority OTHER = TestAuthority.ec("other.example.org", CLOCK);

	private static final TrustSet TRUST = TestTrust.spiffe(CLOCK, PROD, PROD_RSA);

	private final SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of(TestSvid.DEFAULT_AUDIENCE), SKEW,
			CLOCK);

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
		assertThat(verify(PROD.svid("/a").header((h) -> h.type(JOSEObjectType.JOSE)).sign(), TRUST)).isNotNull();
	}

	@Test
	void verifyWhenSeveralAudiencesIncludingOursThenAccepted() {
		String token = PROD.svid("/a").audience("https://elsewhere.example", TestSvid.DEFAULT_AUDIENCE).sign();

		assertThat(verify(token, TRUST).subject()).isEqualTo("spiffe://prod.example.org/a");
	}

	@Test
	void verifyWhenAClaimIsNullThenItIsNoClaim() {
		String token = PROD.svid("/a").signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"team\":null,"));

		assertThat(verify(token, TRUST).claims()).doesNotContainKey("team").containsKey("sub");
	}

	@Test
	void verifyWhenEscapedMemberNamesThenDuplicatesStillFound() {
		// "s\u0075b" is "sub": a second sub spelled another way is a duplicate all the
		// same.
		String token = PROD.svid("/a")
			.signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"s\\\\u0075b\":\"spiffe://prod.example.org/b\","));

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, TRUST))
			.satisfies((ex) -> assertThat(ex.detail()).contains("duplicate member name"));
	}

	// Until the signature verifies, a trusted source's token reads exactly as an
	// untrusted one's: unsigned tokens
	// cannot probe which trust domains are trusted, which audiences they accept, or how
	// their time is checked.
	static Stream<Arguments> probes() {
		return Stream.of(
				arguments("expired",
						fn((a) -> a.svid("/a").expiresIn(Duration.ofHours(-1)).signWith(a.impostor().privateKey()))),
				arguments("wrong audience", fn(
						(a) -> a.svid("/a").audience("https://elsewhere.example").signWith(a.impostor().privateKey()))),
				arguments("not valid yet",
						fn((a) -> a.svid("/a").notBefore(Duration.ofHours(1)).signWith(a.impostor().privateKey()))),
				arguments("no aud", fn((a) -> a.svid("/a").claim("aud", null).signWith(a.impostor().privateKey()))),
				arguments("unknown kid", fn((a) -> a.svid("/a").header((h) -> h.keyID("guess")).sign())));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("probes")
	void verifyWhenUnsignedProbeThenTrustedAndUntrustedSourcesAnswerAlike(String name,
			Function<TestAuthority, String> probe) {
		ExchangeException trusted = catchThrowableOfType(ExchangeException.class,
				() -> verify(probe.apply(PROD), TRUST));
		ExchangeException untrusted = catchThrowableOfType(ExchangeException.class,
				() -> verify(probe.apply(OTHER), TRUST));

		assertThat(trusted.errorCode()).isEqualTo(untrusted.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(trusted.description()).isEqualTo(untrusted.description())
			.isEqualTo("subject_token could not be verified");
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
						"subject_token is not a canonical compact JWS"),
				arguments("HS256 keyed with the public key", fn((a) -> a.svid("/a").hs256KeyedWithPublicKey()),
						"subject_token could not be verified"),
				arguments("unknown kid", fn((a) -> a.svid("/a").header((h) -> h.keyID("nope")).sign()),
						"subject_token could not be verified"),
				arguments("no kid", fn((a) -> a.svid("/a").header((h) -> h.keyID(null)).sign()),
						"subject_token could not be verified"),
				arguments("untrusted key under a trusted kid",
						fn((a) -> a.svid("/a").signWith(a.impostor().privateKey())),
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
				arguments("typ at+jwt",
						fn((a) -> a.svid("/a").header((h) -> h.type(new JOSEObjectType("at+jwt"))).sign()),
						"subject_token could not be verified"),
				arguments("embedded jwk header",
						fn((a) -> a.svid("/a").header((h) -> h.jwk(((ECKey) a.privateKey()).toPublicJWK())).sign()),
						"subject_token is not a canonical compact JWS"),
				arguments("jku header",
						fn((a) -> a.svid("/a")
							.header((h) -> h.jwkURL(java.net.URI.create("https://attacker.example/jwks")))
							.sign()),
						"subject_token is not a canonical compact JWS"),
				// Once a NullPointerException inside the JOSE library's JWK parser: a 500
				// for anyone.
				arguments(
						"jwk header the JOSE library cannot parse", fn(
								(a) -> a.svid("/a")
									.signEdited((h) -> h.replaceFirst("\\{",
											"{\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"oth\":[{}]},"),
											(p) -> p)),
						"subject_token is not a canonical compact JWS"),
				// RFC 7797: the library would verify the signature over the raw payload
				// instead of its encoding.
				arguments("b64 false",
						fn((a) -> a.svid("/a").signEdited((h) -> h.replaceFirst("\\{", "{\"b64\":false,"), (p) -> p)),
						"subject_token is not a canonical compact JWS"),
				arguments("crit empty",
						fn((a) -> a.svid("/a").signEdited((h) -> h.replaceFirst("\\{", "{\"crit\":[],"), (p) -> p)),
						"subject_token could not be verified"),
				// A trusted issuer and an untrusted one answer alike until the signature
				// verifies, whatever sub holds.
				arguments("untrusted issuer with a SPIFFE-shaped sub",
						fn((a) -> a.svid("/a")
							.claim("iss", "https://other.example")
							.subject("SPIFFE://prod.example.org/a")
							.signWith(a.impostor().privateKey())),
						"subject_token could not be verified"),
				arguments("untrusted trust domain", fn((a) -> OTHER.svid("/a").sign()),
						"subject_token could not be verified"),
				arguments("trusted domain's kid but other domain's sub",
						fn((a) -> a.svid("/a").subject("spiffe://rsa.example.org/a").sign()),
						"subject_token could not be verified"),
				arguments("sub not a string", fn((a) -> a.svid("/a").claim("sub", 42).sign()),
						"subject_token sub is not a string"),
				arguments("no sub", fn((a) -> a.svid("/a").claim("sub", null).sign()), "subject_token has no sub"),
				arguments("exp a string", fn((a) -> a.svid("/a").claim("exp", "tomorrow").sign()),
						"subject_token exp is not a NumericDate"),
				arguments("exp beyond any date", fn((a) -> a.svid("/a").claim("exp", 1e300).sign()),
						"subject_token exp is not a NumericDate"),
				arguments("exp negative", fn((a) -> a.svid("/a").claim("exp", -1).sign()),
						"subject_token exp is not a NumericDate"),
				arguments("nbf null",
						fn((a) -> a.svid("/a").signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"nbf\":null,"))),
						"subject_token nbf is not a NumericDate"),
				arguments("aud a number",
						fn((a) -> a.svid("/a")
							.signEdited((h) -> h, (p) -> p.replaceFirst("\"aud\":\"[^\"]*\"", "\"aud\":42"))),
						"subject_token aud is not a string or an array of strings"),
				arguments("aud holding a null",
						fn((a) -> a.svid("/a")
							.signEdited((h) -> h, (p) -> p.replaceFirst("\"aud\":\"[^\"]*\"", "\"aud\":[null]"))),
						"subject_token aud is not a string or an array of strings"),
				arguments("header the JSON null", fn((a) -> "bnVsbA.e30.AAAA"),
						"subject_token is not a canonical compact JWS"),
				arguments("duplicate member in the payload", fn((a) -> a.svid("/a")
					.signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"sub\":\"spiffe://prod.example.org/b\","))),
						"subject_token is not a canonical compact JWS"),
				arguments("duplicate member in the header", fn(
						(a) -> a.svid("/a").signEdited((h) -> h.replaceFirst("\\{", "{\"alg\":\"none\","), (p) -> p)),
						"subject_token is not a canonical compact JWS"),
				arguments("duplicate member in a nested object",
						fn((a) -> a.svid("/a")
							.signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"x\":{\"a\":1,\"a\":2},"))),
						"subject_token is not a canonical compact JWS"),
				arguments("zip header",
						fn((a) -> a.svid("/a").signEdited((h) -> h.replaceFirst("\\{", "{\"zip\":\"DEF\","), (p) -> p)),
						"subject_token is not a canonical compact JWS"),
				arguments("cty header: a nested JWT",
						fn((a) -> a.svid("/a").header((h) -> h.contentType("JWT")).sign()),
						"subject_token is not a canonical compact JWS"),
				arguments("lenient JSON: a comment",
						fn((a) -> a.svid("/a").signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{/* hi */"))),
						"subject_token is not a canonical compact JWS"),
				arguments("lenient JSON: NaN",
						fn((a) -> a.svid("/a").signEdited((h) -> h, (p) -> p.replaceFirst("\\{", "{\"x\":NaN,"))),
						"subject_token is not a canonical compact JWS"),
				arguments("padding",
						fn((a) -> respell(a.svid("/a").sign(), (seg) -> seg + "=".repeat((4 - seg.length() % 4) % 4))),
						"subject_token is not a canonical compact JWS"),
				arguments("standard alphabet",
						fn((a) -> respell(withUrlSafeCharacters(a), (seg) -> seg.replace('-', '+').replace('_', '/'))),
						"subject_token is not a canonical compact JWS"),
				arguments("a character outside base64url", fn((a) -> respell(a.svid("/a").sign(), (seg) -> "*" + seg)),
						"subject_token is not a canonical compact JWS"),
				arguments("surrounding whitespace", fn((a) -> " " + a.svid("/a").sign() + "\n"),
						"subject_token is not a canonical compact JWS"),
				arguments("a trailing NUL", fn((a) -> a.svid("/a").sign() + "\u0000"),
						"subject_token is not a canonical compact JWS"),
				arguments("non-canonical trailing bits", fn((a) -> nonCanonicalTrailingBits(a.svid("/a").sign())),
						"subject_token is not a canonical compact JWS"),
				arguments("invalid UTF-8 in the payload", fn((a) -> invalidUtf8Payload(a.svid("/a").sign())),
						"subject_token is not a canonical compact JWS"),
				arguments("five-part JWE-shaped token", fn((a) -> "a.b.c.d.e"),
						"subject_token is not a canonical compact JWS"),
				arguments("not a JWT at all", fn((a) -> "not-a-jwt"), "subject_token is not a canonical compact JWS"));
	}

	private static Function<TestAuthority, String> fn(Function<TestAuthority, String> f) {
		return f;
	}

	// A token with a '-' or '_' somewhere, so that the standard alphabet spells it
	// differently (ECDSA signatures vary).
	private static String withUrlSafeCharacters(TestAuthority authority) {
		for (int i = 0; i < 1000; i++) {
			String token = authority.svid("/a").sign();
			if (token.indexOf('-') >= 0 || token.indexOf('_') >= 0) {
				return token;
			}
		}
		throw new IllegalStateException("no token with '-' or '_' in 1000 signatures");
	}

	// The same token with every segment spelled another way.
	private static String respell(String token, java.util.function.UnaryOperator<String> segment) {
		return String.join(".", Stream.of(token.split("\\.")).map(segment).toList());
	}

	// The signature's last character with a trailing bit set: base64url decoders that
	// ignore those bits read the
	// same bytes.
	private static String nonCanonicalTrailingBits(String token) {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		int dot = token.lastIndexOf('.');
		String signature = token.substring(dot + 1);
		assertThat(signature.length() % 4).isNotZero();
		char last = signature.charAt(signature.length() - 1);
		char flipped = alphabet.charAt(alphabet.indexOf(last) | 1);
		assertThat(java.util.Base64.getUrlDecoder().decode(signature.substring(0, signature.length() - 1) + flipped))
			.isEqualTo(java.util.Base64.getUrlDecoder().decode(signature));
		return token.substring(0, dot + 1) + signature.substring(0, signature.length() - 1) + flipped;
	}

	// A claim whose string holds a UTF-8 lead byte with no continuation: lenient decoders
	// read U+FFFD.
	private static String invalidUtf8Payload(String token) {
		String[] parts = token.split("\\.");
		byte[] payload = java.util.Base64.getUrlDecoder().decode(parts[1]);
		java.io.ByteArrayOutputStream broken = new java.io.ByteArrayOutputStream();
		broken.writeBytes("{\"x\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		broken.write(0xC3);
		broken.writeBytes("\",".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		broken.write(payload, 1, payload.length - 1);
		return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(broken.toByteArray())
				+ "." + parts[2];
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

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> verify(token, TrustSet.empty()))
			.satisfies((ex) -> assertThat(ex.detail()).contains("not trusted"));
	}

	@Test
	void constructorWhenNoAudiencesThenRefused() {
		// java-spiffe's validator accepts any audience when the expected set is empty;
		// Writ never allows that.
		assertThatIllegalArgumentException().isThrownBy(() -> new SubjectTokenVerifier(Set.of(), SKEW, CLOCK));
	}

	@Test
	void constructorWhenSkewAboveSixtySecondsThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubjectTokenVerifier(Set.of("a"), Duration.ofSeconds(61), CLOCK));
	}

}

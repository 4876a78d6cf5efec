package dev.writ.trust;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jwt.SignedJWT;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link CompactJws}, the reader of every token Writ is shown. The oracle:
 * {@link ParseException} is the one refusal; an accepted token is canonical, so it
 * serialises back to exactly the text read, each segment is the canonical base64url of
 * its bytes, and header and payload are strict JSON objects.
 */
final class CompactJwsFuzzTests {

	@FuzzTest
	void parse(byte[] input) throws ParseException {
		String token = new String(input, StandardCharsets.UTF_8);
		SignedJWT jwt;
		try {
			jwt = CompactJws.parse(token, 16 * 1024);
		}
		catch (ParseException ex) {
			return;
		}
		assertThat(jwt.serialize()).isEqualTo(token);
		String[] parts = token.split("\\.", -1);
		assertThat(parts).hasSize(3);
		for (String part : parts) {
			assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(part)))
				.isEqualTo(part);
		}
		StrictJson.checkObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
		StrictJson.checkObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
		assertThat(jwt.getHeader().getAlgorithm()).isNotNull();
		// The payload Writ reads claims from is the one the JOSE library would have read.
		assertThat(CompactJws.parseWithPayload(token, 16 * 1024, java.util.Set.of()).payload())
			.isEqualTo(jwt.getPayload().toJSONObject());
	}

	/**
	 * Differential: what the strict parser accepts, it reads as the JOSE library reads it
	 * — every type of value, number and escape.
	 */
	@FuzzTest
	void strictJsonReadsAsTheLibraryDoes(byte[] input) throws ParseException {
		String text = new String(input, StandardCharsets.UTF_8);
		java.util.Map<String, Object> strict;
		try {
			strict = StrictJson.parseObject(text);
		}
		catch (ParseException ex) {
			return;
		}
		assertThat(strict).isEqualTo(com.nimbusds.jose.util.JSONObjectUtils.parse(text));
	}

}

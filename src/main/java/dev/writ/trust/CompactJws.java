package dev.writ.trust;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of every token Writ is shown (subject tokens, and bearer tokens at
 * introspection, revocation and the admin endpoints): a token is accepted only in its
 * canonical compact JWS form, so that one token has one spelling, one meaning and one
 * audit digest. The JOSE library alone would accept many spellings of one token: the
 * standard alphabet's {@code +} and {@code /}, {@code =} padding, characters outside
 * base64url (silently dropped), non-zero trailing bits, invalid UTF-8 (replaced),
 * surrounding whitespace.
 *
 * <p>
 * Required, before the library parses anything:
 * <ul>
 * <li>exactly three segments, each unpadded base64url with canonical trailing bits (RFC
 * 7515 §2, §5.2; RFC 4648 §3.5), the first two and the signature non-empty;</li>
 * <li>header and payload strict UTF-8, each one JSON object without duplicate member
 * names ({@link StrictJson}; RFC 7515 §5.2, RFC 8725 §3.1);</li>
 * <li>no {@code zip} (RFC 8725 §3.6: compression before encryption only, and never in a
 * JWS), no {@code cty} (nested JWTs are not accepted, RFC 7519 §5.2), no {@code b64} (RFC
 * 7797: a signature over other bytes than the token's), and no key or key reference
 * ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}): Writ never uses a key a token
 * names, and does not parse one.</li>
 * </ul>
 */
public final class CompactJws {

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private static final List<String> REFUSED_HEADER_MEMBERS = List.of("jwk", "jku", "x5u", "x5c", "b64", "zip", "cty");

	private CompactJws() {
	}

	/**
	 * Reads a token in canonical compact JWS form.
	 * @param token the token
	 * @param maxLength the longest token accepted
	 * @return the parsed JWS
	 * @throws ParseException saying which rule the token breaks, without quoting it
	 */
	public static SignedJWT parse(String token, int maxLength) throws ParseException {
		return parse(token, maxLength, Set.of());
	}

	/**
	 * A JWS read as {@link #parse(String, int, Set)} reads it, with its payload: the JSON
	 * object the strict check read, which is then what its claims are taken from.
	 *
	 * @param jwt the parsed JWS
	 * @param payload its payload's members, as the JOSE library would read them
	 */
	record Jws(SignedJWT jwt, Map<String, @Nullable Object> payload) {
	}

	static Jws parseWithPayload(String token, int maxLength, Set<String> allowed) throws ParseException {
		return read(token, maxLength, allowed);
	}

	/**
	 * The same, with some of the refused header members allowed: {@code jwk} for a DPoP
	 * proof, which carries the very key that signs it (RFC 9449 §4.2).
	 */
	static SignedJWT parse(String token, int maxLength, Set<String> allowed) throws ParseException {
		return read(token, maxLength, allowed).jwt();
	}

	private static Jws read(String token, int maxLength, Set<String> allowed) throws ParseException {
		if (token.length() > maxLength) {
			throw new ParseException("longer than " + maxLength + " characters", 0);
		}
		int first = token.indexOf('.');
		int second = (first < 0) ? -1 : token.indexOf('.', first + 1);
		if (second < 0 || token.indexOf('.', second + 1) >= 0) {
			throw new ParseException("not three dot-separated segments", 0);
		}
		String header = token.substring(0, first);
		String payload = token.substring(first + 1, second);
		String signature = token.substring(second + 1);
		Set<String> members = json(segment(header, "header"), "header").keySet();
		Map<String, @Nullable Object> claims = json(segment(payload, "payload"), "payload");
		segment(signature, "signature");
		// Refused by name, before the library reads them: a key or key reference in the
		// header is never used (and
		// an attacker's JWK is not even parsed), b64 (RFC 7797) would make the signature
		// cover other bytes than the
		// token's, zip has no place in a JWS (RFC 8725 §3.6), and cty would make it a
		// nested token (RFC 7519 §5.2).
		for (String refused : REFUSED_HEADER_MEMBERS) {
			if (members.contains(refused) && !allowed.contains(refused)) {
				throw new ParseException("header has " + refused + ", which Writ does not accept", 0);
			}
		}
		try {
			return new Jws(new SignedJWT(new Base64URL(header), new Base64URL(payload), new Base64URL(signature)),
					claims);
		}
		catch (ParseException | RuntimeException ex) {
			// The library throws more than ParseException for some headers: each is a
			// refusal, never a fault.
			throw new ParseException("header is not a JWS header", 0);
		}
	}

	/** The bytes of one unpadded, canonical base64url segment. */
	private static byte[] segment(String segment, String name) throws ParseException {
		if (segment.isEmpty()) {
			throw new ParseException(name + " segment is empty", 0);
		}
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
			if (!base64url) {
				throw new ParseException(name + " segment is not unpadded base64url", i);
			}
		}
		// RFC 4648 §3.5: a length of 1 mod 4 encodes no whole byte; the bits after the
		// last byte must be zero.
		int remainder = segment.length() % 4;
		if (remainder == 1) {
			throw new ParseException(name + " segment has an impossible length", 0);
		}
		int last = value(segment.charAt(segment.length() - 1));
		if ((remainder == 2 && (last & 0x0F) != 0) || (remainder == 3 && (last & 0x03) != 0)) {
			throw new ParseException(name + " segment has non-canonical trailing bits", segment.length() - 1);
		}
		return DECODER.decode(segment);
	}

	// The segment's strict JSON object, checked and read.
	private static Map<String, @Nullable Object> json(byte[] bytes, String name) throws ParseException {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new ParseException(name + " is not UTF-8", 0);
		}
		try {
			return StrictJson.parseObject(text);
		}
		catch (ParseException ex) {
			throw new ParseException(name + ": " + ex.getMessage(), ex.getErrorOffset());
		}
	}

	private static int value(char c) {
		if (c >= 'A' && c <= 'Z') {
			return c - 'A';
		}
		if (c >= 'a' && c <= 'z') {
			return c - 'a' + 26;
		}
		if (c >= '0' && c <= '9') {
			return c - '0' + 52;
		}
		return (c == '-') ? 62 : 63;
	}

}

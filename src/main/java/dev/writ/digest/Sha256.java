package dev.writ.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * SHA-256, the one digest Writ names things by: tokens in logs and audit events, the
 * verified-token cache's keys, a policy version, a key file's content. Every JDK has it
 * (the Java SE specification requires it), so its absence is a broken runtime, not an
 * input error.
 */
public final class Sha256 {

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private Sha256() {
	}

	/** A new digest to feed in parts. */
	public static MessageDigest start() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("the JDK has no SHA-256", ex);
		}
	}

	/** The digest of some bytes, in lower-case hex. */
	public static String hex(byte[] content) {
		return HexFormat.of().formatHex(start().digest(content));
	}

	/** A finished digest in lower-case hex. */
	public static String hex(MessageDigest digest) {
		return HexFormat.of().formatHex(digest.digest());
	}

	/** The digest of some bytes, base64url without padding. */
	public static String base64url(byte[] content) {
		return BASE64URL.encodeToString(start().digest(content));
	}

	/** The digest of a text's UTF-8 bytes, base64url without padding. */
	public static String base64url(String text) {
		return base64url(text.getBytes(StandardCharsets.UTF_8));
	}

	/** A finished digest, base64url without padding. */
	public static String base64url(MessageDigest digest) {
		return BASE64URL.encodeToString(digest.digest());
	}

}

package dev.writ.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The random parts of a credential, and the one-way forms of its password that a target
 * stores: a target is never sent the password itself, so neither its statement log nor
 * its memory holds it.
 */
final class Secrets {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern
		.compile("[a-z0-9_]{0,24}_[a-z2-7]{10}");

	private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

	// PostgreSQL's default for SCRAM-SHA-256 (scram_iterations).
	private static final int SCRAM_ITERATIONS = 4096;

	private Secrets() {
	}

	/** 256 random bits, base64url: printable, no quote, no backslash. */
	static String password() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** A lease id: 128 random bits, base64url. */
	static String leaseId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * A username from the target's prefix, the grant's id (lowercase letters, digits and
	 * '_' of it, at most 24) and 50 random bits: never anything a workload sent. At most
	 * 16 + 24 + 11 characters, within PostgreSQL's 63.
	 */
	static String username(String prefix, String grantId) {
		StringBuilder name = new StringBuilder(prefix);
		String grant = grantId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
		name.append(grant, 0, Math.min(grant.length(), 24)).append('_');
		for (int i = 0; i < 10; i++) {
			name.append(BASE32[RANDOM.nextInt(BASE32.length)]);
		}
		return name.toString();
	}

	/**
	 * Whether a username has the shape {@link #username} gives: the prefix, at most 24 of
	 * the grant's characters, '_' and 10 of the random ones. Only such a user is ever
	 * taken for one of Writ's.
	 */
	static boolean madeByWrit(String prefix, String username) {
		return username.startsWith(prefix) && SHAPE.matcher(username.substring(prefix.length())).matches();
	}

	/**
	 * PostgreSQL's SCRAM-SHA-256 verifier of a password (RFC 7677, RFC 5802), which
	 * {@code PASSWORD '…'} takes as it is: the server stores it and never sees the
	 * password. The password is ASCII, which SASLprep leaves as it is.
	 */
	static String scramSha256(String password) {
		try {
			byte[] salt = new byte[16];
			RANDOM.nextBytes(salt);
			SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
			byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, SCRAM_ITERATIONS, 256))
				.getEncoded();
			byte[] clientKey = hmac(salted, "Client Key");
			byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
			byte[] serverKey = hmac(salted, "Server Key");
			Base64.Encoder base64 = Base64.getEncoder();
			return "SCRAM-SHA-256$" + SCRAM_ITERATIONS + ":" + base64.encodeToString(salt) + "$"
					+ base64.encodeToString(storedKey) + ":" + base64.encodeToString(serverKey);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SCRAM-SHA-256 is not available", ex);
		}
	}

	/** Redis's form of a hashed ACL password: {@code #} and its SHA-256 in hex. */
	static String redisHash(String password) {
		try {
			return "#" + HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(key, "HmacSHA256"));
		return mac.doFinal(message.getBytes(StandardCharsets.US_ASCII));
	}

}

package dev.writ.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

import dev.writ.keys.SigningKey;
import dev.writ.keys.SigningKeys;
import dev.writ.trust.DpopNonces;

/**
 * DPoP server nonces (RFC 9449 §8) that every node of a fleet makes and checks alike,
 * without the store: {@code <slot>.<kid>.<mac>}, where the slot is the five-minute period
 * of the server's clock, the key the one signing now, and the MAC an HMAC-SHA256, keyed
 * by a secret derived from that key, of the issuer and the slot. A nonce is taken in its
 * slot and the next (five to ten minutes), with any key still published; nobody without
 * Writ's keys can make one ahead of time.
 */
final class DpopNonceIssuer implements DpopNonces {

	static final Duration SLOT = Duration.ofMinutes(5);

	private static final int MAC_BYTES = 16;

	private final String issuer;

	private final Supplier<SigningKeys> keys;

	private final Clock clock;

	DpopNonceIssuer(String issuer, Supplier<SigningKeys> keys, Clock clock) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
		this.keys = Objects.requireNonNull(keys, "keys cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	@Override
	public String current() {
		long slot = slot();
		SigningKey key = this.keys.get().active();
		return slot + "." + key.kid() + "." + mac(key, slot);
	}

	@Override
	public boolean accepts(String nonce) {
		String[] parts = nonce.split("\\.", -1);
		// One spelling per nonce: ASCII digits without leading zeros.
		if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 12
				|| !parts[0].chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return false;
		}
		long slot = Long.parseLong(parts[0]);
		long now = slot();
		// The slot before, and the one after: a node whose clock runs a little ahead
		// hands out the next slot's nonces first.
		if (!parts[0].equals(Long.toString(slot)) || slot < now - 1 || slot > now + 1) {
			return false;
		}
		return this.keys.get()
			.published()
			.stream()
			.filter((key) -> key.kid().equals(parts[1]))
			.anyMatch((key) -> MessageDigest.isEqual(mac(key, slot).getBytes(StandardCharsets.US_ASCII),
					parts[2].getBytes(StandardCharsets.US_ASCII)));
	}

	private long slot() {
		return Math.floorDiv(this.clock.instant().getEpochSecond(), SLOT.toSeconds());
	}

	private String mac(SigningKey key, long slot) {
		byte[] mac = key.nonceMac(this.issuer + "|" + slot);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, MAC_BYTES));
	}

}

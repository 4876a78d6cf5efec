package dev.writ.trust;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.writ.digest.Sha256;

/**
 * Subject tokens verified recently, by the SHA-256 of the token (never the token itself),
 * so that a token presented again — SPIRE agents and Kubernetes hand the same one out
 * until it nears expiry — skips the signature check, the costliest step of an exchange.
 * Only the signature: the caller checks time and audience again on every hit, and replay
 * and policy run as always.
 *
 * <p>
 * An entry is honoured only while the token's trust source is the same object in the
 * trust in force and that source's current keys are the very {@link KeySet} snapshot that
 * verified it: a key rotation, a bundle update, a removed key or a policy reload that
 * replaces the source makes it miss, and the token is verified afresh. Bounded: at
 * {@code maxEntries} it stops caching; expired entries are dropped at most once a second,
 * so a full cache costs each request nothing but a size check (a scan per insert made it
 * the costliest step of an exchange).
 */
final class VerifiedTokenCache {

	private final int maxEntries;

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final AtomicBoolean purging = new AtomicBoolean();

	private final AtomicLong nextPurge = new AtomicLong();

	VerifiedTokenCache(int maxEntries) {
		this.maxEntries = maxEntries;
	}

	boolean enabled() {
		return this.maxEntries > 0;
	}

	/** The cache key of a token of a declared type. */
	static String key(String token, String tokenType) {
		MessageDigest sha256 = Sha256.start();
		sha256.update(tokenType.getBytes(StandardCharsets.US_ASCII));
		sha256.update((byte) 0);
		sha256.update(token.getBytes(StandardCharsets.UTF_8));
		return Sha256.base64url(sha256);
	}

	/**
	 * The subject verified under this key, if its source and that source's keys are still
	 * the same objects.
	 */
	// Identity, not equality: the very source and key set the entry was verified with,
	// not equal ones built anew.
	@SuppressWarnings("ReferenceEquality")
	@Nullable VerifiedSubject get(String key, TrustSet trust, Instant now) {
		if (this.maxEntries == 0) {
			return null;
		}
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (!now.isBefore(entry.subject().expiresAt().plusSeconds(60))) {
			this.entries.remove(key, entry);
			return null;
		}
		TrustSource current = trust.source(entry.subject().trustSource()).orElse(null);
		if (current != entry.source()) {
			this.entries.remove(key, entry);
			return null;
		}
		KeySet keys;
		try {
			keys = current.keys().keys(entry.kid());
		}
		catch (KeysUnavailableException ex) {
			return null; // the full path fails closed with the reason
		}
		if (keys != entry.keys()) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry.subject();
	}

	void put(String key, VerifiedSubject subject, TrustSource source, String kid, KeySet keys, Instant now) {
		if (this.maxEntries == 0) {
			return;
		}
		if (this.entries.size() >= this.maxEntries) {
			purge(now);
			if (this.entries.size() >= this.maxEntries) {
				return;
			}
		}
		this.entries.put(key, new Entry(subject, source, kid, keys));
	}

	int size() {
		return this.entries.size();
	}

	private void purge(Instant now) {
		long due = this.nextPurge.get();
		if (now.toEpochMilli() < due || !this.nextPurge.compareAndSet(due, now.toEpochMilli() + 1000)) {
			return;
		}
		if (this.purging.compareAndSet(false, true)) {
			try {
				this.entries.values().removeIf((e) -> !now.isBefore(e.subject().expiresAt().plusSeconds(60)));
			}
			finally {
				this.purging.set(false);
			}
		}
	}

	private record Entry(VerifiedSubject subject, TrustSource source, String kid, KeySet keys) {
	}

}

package dev.writ.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.writ.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every store does, the same in memory and on Redis. Subclasses provide the store
 * and the passing of time.
 */
public abstract class StoreContractTests {

	protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	protected Store store;

	private String prefix;

	protected abstract Store store();

	/**
	 * Lets time pass for the store's expiry: the clock, and for Redis the real time its
	 * PX timers run on.
	 */
	protected abstract void passTime(Duration duration);

	@BeforeEach
	void create() {
		this.store = store();
		this.prefix = UUID.randomUUID() + ":";
	}

	private String key(String name) {
		return this.prefix + name;
	}

	@Test
	void firstUseWhenUsedAgainWithinTtlThenFalse() {
		assertThat(this.store.firstUse(key("jti-1"), Duration.ofMinutes(5))).isTrue();
		assertThat(this.store.firstUse(key("jti-1"), Duration.ofMinutes(5))).isFalse();
		assertThat(this.store.firstUse(key("jti-2"), Duration.ofMinutes(5))).isTrue();
	}

	@Test
	void firstUseWhenTtlBeyondAnyClockThenSaturatesAndStillRemembers() {
		// now + ttl would overflow: the entry must not be born expired, nor the call
		// fail.
		assertThat(this.store.firstUse(key("far"), Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
		assertThat(this.store.firstUse(key("far"), Duration.ofSeconds(Long.MAX_VALUE))).isFalse();
		this.store.revoke(key("far"), 7, Duration.ofSeconds(Long.MAX_VALUE));
		assertThat(this.store.lookup(List.of(key("far")))).containsEntry(key("far"), 7L);
	}

	@Test
	void usedWhenRecordedThenTrueWithoutRecordingAnything() {
		assertThat(this.store.used(key("looked-at"))).isFalse();
		assertThat(this.store.firstUse(key("looked-at"), Duration.ofMinutes(5))).isTrue();
		assertThat(this.store.used(key("looked-at"))).isTrue();
		assertThat(this.store.used(key("never"))).isFalse();
		assertThat(this.store.firstUse(key("never"), Duration.ofMinutes(5))).isTrue();
	}

	@Test
	void firstUseWhenTtlPassedThenTrueAgain() {
		assertThat(this.store.firstUse(key("jti"), Duration.ofMillis(200))).isTrue();

		passTime(Duration.ofMillis(250));

		assertThat(this.store.firstUse(key("jti"), Duration.ofMillis(200))).isTrue();
	}

	@Test
	void revokeThenLookupUntilTtl() {
		this.store.revoke(key("jti:a"), 1800000000L, Duration.ofMillis(200));

		assertThat(this.store.lookup(List.of(key("jti:a"), key("jti:b"))))
			.containsExactly(Map.entry(key("jti:a"), 1800000000L));
		passTime(Duration.ofMillis(250));
		assertThat(this.store.lookup(List.of(key("jti:a")))).isEmpty();
	}

	@Test
	void revokeWhenRevokedAgainThenTheLargerValueAndTheLongerLifeKept() {
		this.store.revoke(key("subject:s"), 200L, Duration.ofMinutes(10));
		this.store.revoke(key("subject:s"), 100L, Duration.ofMillis(100));

		passTime(Duration.ofMillis(150));

		assertThat(this.store.lookup(List.of(key("subject:s")))).containsEntry(key("subject:s"), 200L);
		this.store.revoke(key("subject:s"), 300L, Duration.ofMillis(100));
		assertThat(this.store.lookup(List.of(key("subject:s")))).containsEntry(key("subject:s"), 300L);
	}

	@Test
	void lookupWhenNoKeysThenEmpty() {
		assertThat(this.store.lookup(List.of())).isEmpty();
	}

	@Test
	void acquireWhenWithinLimitThenAllowedThenRetryAfterTheOldestLeavesTheWindow() {
		assertThat(this.store.acquire(key("subject"), 2, Duration.ofMinutes(1))).isEmpty();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.store.acquire(key("subject"), 2, Duration.ofMinutes(1))).isEmpty();
		this.clock.advance(Duration.ofSeconds(10));

		assertThat(this.store.acquire(key("subject"), 2, Duration.ofMinutes(1))).hasValue(Duration.ofSeconds(40));
		assertThat(this.store.acquire(key("other"), 2, Duration.ofMinutes(1))).isEmpty();

		this.clock.advance(Duration.ofSeconds(40));
		assertThat(this.store.acquire(key("subject"), 2, Duration.ofMinutes(1))).isEmpty();
	}

	@Test
	void acquireWhenRefusedThenNotCounted() {
		assertThat(this.store.acquire(key("k"), 1, Duration.ofSeconds(10))).isEmpty();
		for (int i = 0; i < 5; i++) {
			assertThat(this.store.acquire(key("k"), 1, Duration.ofSeconds(10))).isPresent();
		}
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.store.acquire(key("k"), 1, Duration.ofSeconds(10))).isEmpty();
	}

	@Test
	void pingWhenUpThenAnswers() {
		this.store.ping();
		assertThat(this.store.kind()).isIn("memory", "redis");
	}

	private Lease lease(String name, Instant expiresAt) {
		return new Lease(key(name), "orders-db", "writ_orders_" + name, "orders", "spiffe://example.org/w",
				this.clock.instant(), expiresAt, false);
	}

	private List<Lease> ours() {
		return this.store.leases().stream().filter((lease) -> lease.id().startsWith(this.prefix)).toList();
	}

	@Test
	void recordLeaseThenListedAndFoundUntilForgotten() {
		Lease one = lease("one", this.clock.instant().plusSeconds(60));
		Lease two = lease("two", this.clock.instant().plusSeconds(120));
		this.store.recordLease(one);
		this.store.recordLease(two);

		assertThat(ours()).containsExactlyInAnyOrder(one, two);
		assertThat(this.store.lease(one.id())).contains(one);
		assertThat(this.store.lease(key("none"))).isEmpty();

		this.store.forgetLease(one.id());

		assertThat(ours()).containsExactly(two);
		assertThat(this.store.lease(one.id())).isEmpty();
		this.store.forgetLease(one.id()); // forgetting twice is harmless
	}

	@Test
	void recordLeaseWhenSameIdThenReplacedWhole() {
		Lease lease = lease("revoked", this.clock.instant().plusSeconds(60));
		this.store.recordLease(lease);
		Lease revoked = lease.revokedAt(this.clock.instant());

		this.store.recordLease(revoked);

		assertThat(ours()).containsExactly(revoked);
		assertThat(this.store.lease(lease.id()).orElseThrow().due(this.clock.instant())).isTrue();
	}

	@Test
	void leaseWhenPastItsExpiryThenStillKeptForTheReaper() {
		Lease lease = lease("expired", this.clock.instant().plusMillis(100));
		this.store.recordLease(lease);

		passTime(Duration.ofMillis(250));

		assertThat(this.store.lease(lease.id())).contains(lease);
		assertThat(lease.due(this.clock.instant())).isTrue();
	}

}

package dev.writ.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.SigningKeys;
import dev.writ.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP server nonces made from Writ's signing keys: taken in their five-minute slot and
 * the next, on any node with the same keys, never when forged, stale or another issuer's.
 */
class DpopNonceIssuerTests {

	static final String ISSUER = "https://writ.example.org";

	@TempDir
	Path keysDir;

	final MutableClock clock = new MutableClock(Instant.parse("2026-12-08T10:00:00Z"));

	SigningKeys keys() {
		return new KeyDirectory(this.keysDir, this.clock).loadOrGenerate(KeyAlgorithm.ES256);
	}

	@Test
	void currentThenAcceptedHereAndOnAnotherNodeWithTheSameKeysForFiveToTenMinutes() {
		SigningKeys keys = keys();
		DpopNonceIssuer node = new DpopNonceIssuer(ISSUER, () -> keys, this.clock);
		// Another node: the same key directory, loaded on its own.
		SigningKeys loadedElsewhere = keys();
		DpopNonceIssuer other = new DpopNonceIssuer(ISSUER, () -> loadedElsewhere, this.clock);
		String nonce = node.current();

		assertThat(node.accepts(nonce)).isTrue();
		assertThat(other.accepts(nonce)).isTrue();
		this.clock.advance(DpopNonceIssuer.SLOT);
		assertThat(other.accepts(nonce)).as("in the next slot").isTrue();
		this.clock.advance(DpopNonceIssuer.SLOT);
		assertThat(node.accepts(nonce)).as("two slots on").isFalse();
		assertThat(node.accepts(node.current())).isTrue();
	}

	@Test
	void nonceOfANodeWhoseClockRunsAheadThenAcceptedInTheSlotBefore() {
		SigningKeys keys = keys();
		MutableClock ahead = new MutableClock(this.clock.instant().plus(DpopNonceIssuer.SLOT));
		String early = new DpopNonceIssuer(ISSUER, () -> keys, ahead).current();

		assertThat(new DpopNonceIssuer(ISSUER, () -> keys, this.clock).accepts(early)).isTrue();
		ahead.advance(DpopNonceIssuer.SLOT);
		assertThat(new DpopNonceIssuer(ISSUER, () -> keys, this.clock)
			.accepts(new DpopNonceIssuer(ISSUER, () -> keys, ahead).current())).as("two slots ahead").isFalse();
	}

	@Test
	void forgedGarbledFutureOrAnotherIssuersNonceThenRefused() {
		SigningKeys keys = keys();
		DpopNonceIssuer node = new DpopNonceIssuer(ISSUER, () -> keys, this.clock);
		String nonce = node.current();
		String[] parts = nonce.split("\\.");
		long slot = Long.parseLong(parts[0]);

		assertThat(node.accepts(parts[0] + "." + parts[1] + "." + "AAAAAAAAAAAAAAAAAAAAAA")).isFalse();
		assertThat(node.accepts((slot + 1) + "." + parts[1] + "." + parts[2])).as("another slot, same mac").isFalse();
		assertThat(node.accepts("0" + nonce)).as("a leading zero").isFalse();
		String arabicIndic = parts[0].chars()
			.mapToObj((c) -> String.valueOf((char) ('\u0660' + (c - '0'))))
			.collect(java.util.stream.Collectors.joining());
		assertThat(node.accepts(arabicIndic + "." + parts[1] + "." + parts[2])).as("non-ASCII digits").isFalse();
		assertThat(node.accepts(parts[0] + ".another-kid." + parts[2])).isFalse();
		assertThat(node.accepts("")).isFalse();
		assertThat(node.accepts("..")).isFalse();
		assertThat(node.accepts("-1." + parts[1] + "." + parts[2])).isFalse();
		assertThat(node.accepts("99999999999999999999." + parts[1] + "." + parts[2])).isFalse();
		assertThat(new DpopNonceIssuer("https://other.example.org", () -> keys, this.clock).accepts(nonce)).isFalse();
	}

	@Test
	void nonceThenNamesNoSecret() {
		SigningKeys keys = keys();
		String nonce = new DpopNonceIssuer(ISSUER, () -> keys, this.clock).current();

		assertThat(nonce).matches("[0-9]+\\.[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{22}");
		assertThat(nonce.split("\\.")[1]).isEqualTo(keys.active().kid());
		assertThat(Duration.ofSeconds(Long.parseLong(nonce.split("\\.")[0]) * DpopNonceIssuer.SLOT.toSeconds()))
			.isLessThanOrEqualTo(Duration.ofSeconds(this.clock.instant().getEpochSecond()));
	}

}

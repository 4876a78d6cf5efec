package dev.writ.store.memory;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.writ.store.Store;
import dev.writ.store.StoreContractTests;
import dev.writ.store.StoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemoryStoreTests extends StoreContractTests {

	@Override
	protected Store store() {
		return new MemoryStore(this.clock, 1000);
	}

	@Override
	protected void passTime(Duration duration) {
		this.clock.advance(duration);
	}

	@Test
	void firstUseWhenFullThenRefusesRatherThanForget() {
		MemoryStore small = new MemoryStore(this.clock, 3);
		small.firstUse("a", Duration.ofMinutes(1));
		small.firstUse("b", Duration.ofMinutes(1));
		small.firstUse("c", Duration.ofMinutes(1));

		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> small.firstUse("d", Duration.ofMinutes(1)))
			.withMessageContaining("full");
		assertThat(small.firstUse("a", Duration.ofMinutes(1))).isFalse();
	}

	@Test
	void firstUseWhenFullOfExpiredEntriesThenPurgedAndAccepted() {
		MemoryStore small = new MemoryStore(this.clock, 2);
		small.firstUse("a", Duration.ofSeconds(1));
		small.firstUse("b", Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(2));

		assertThat(small.firstUse("c", Duration.ofSeconds(1))).isTrue();
		assertThat(small.size()).isEqualTo(1);
	}

}

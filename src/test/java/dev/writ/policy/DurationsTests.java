package dev.writ.policy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTests {

	@Test
	void parseWhenSecondsMinutesHoursThenDuration() {
		assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
		assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
		assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
	}

	@ParameterizedTest
	@ValueSource(strings = { "0s", "05m", "1d", "1.5h", "-1m", "5", "m", "PT5M", "5 m", "99999999h", "" })
	void parseWhenNotAWholePositiveNumberOfSMOrHThenEmpty(String value) {
		assertThat(Durations.parse(value)).isEmpty();
	}

}

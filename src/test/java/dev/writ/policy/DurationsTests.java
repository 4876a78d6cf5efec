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

	@Test
	void formatThenShortestWholeUnitThatParsesBack() {
		assertThat(Durations.format(java.time.Duration.ofHours(2))).isEqualTo("2h");
		assertThat(Durations.format(java.time.Duration.ofMinutes(90))).isEqualTo("90m");
		assertThat(Durations.format(java.time.Duration.ofSeconds(3690))).isEqualTo("3690s");
		for (String text : new String[] { "2h", "90m", "3690s" }) {
			assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(text);
		}
	}

}

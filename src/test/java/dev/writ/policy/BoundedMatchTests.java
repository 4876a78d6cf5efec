package dev.writ.policy;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedMatchTests {

	static final String SPIFFE = "spiffe://prod.example.org/";

	@Test
	void outcomeWhenOrdinaryPatternThenTheJdkAnswerOnTheLongestSubjects() {
		Pattern pattern = Pattern.compile("spiffe://prod\\.example\\.org/ns/[a-z0-9-]+/sa/[a-z0-9-]+");
		String name = "x".repeat(1000);

		assertThat(BoundedMatch.outcome(pattern, SPIFFE + "ns/" + name + "/sa/" + name))
			.isEqualTo(BoundedMatch.Outcome.MATCH);
		assertThat(BoundedMatch.outcome(pattern, SPIFFE + "ns/" + name + "/sa/" + name + "/extra"))
			.isEqualTo(BoundedMatch.Outcome.NO_MATCH);
		assertThat(BoundedMatch.outcome(pattern, "spiffe://prodXexample.org/ns/a/sa/b"))
			.isEqualTo(BoundedMatch.Outcome.NO_MATCH);
	}

	@Test
	void outcomeWhenPatternBacktracksPastTheBoundThenGaveUpAndNotAMatch() {
		Pattern runaway = Pattern.compile("spiffe://prod\\.example\\.org/(.*a){12}$");
		String subject = SPIFFE + "a".repeat(60) + "-";

		assertThat(BoundedMatch.outcome(runaway, subject)).isEqualTo(BoundedMatch.Outcome.GAVE_UP);
		assertThat(BoundedMatch.matches(runaway, subject)).isFalse();
	}

	@Test
	void outcomeWhenGroupsAndBackreferencesThenSameAsUnbounded() {
		Pattern pattern = Pattern.compile("spiffe://prod\\.example\\.org/(ns/([a-z]+))/sa/\\2-worker");

		assertThat(BoundedMatch.matches(pattern, SPIFFE + "ns/batch/sa/batch-worker")).isTrue();
		assertThat(BoundedMatch.matches(pattern, SPIFFE + "ns/batch/sa/other-worker")).isFalse();
	}

}

package dev.writ.policy;

import java.util.Random;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiteralBoundsTests {

	@Test
	void ofWhenTypicalSubjectPatternThenItsLiteralEnds() {
		assertThat(LiteralBounds.of("spiffe://prod\\.example\\.org/ns/[a-z]+/sa/orders"))
			.isEqualTo(new LiteralBounds("spiffe://prod.example.org/ns/", "/sa/orders"));
		assertThat(LiteralBounds.of("repo:acme/.*:ref:refs/heads/main"))
			.isEqualTo(new LiteralBounds("repo:acme/", ":ref:refs/heads/main"));
		assertThat(LiteralBounds.of("^abc$")).isEqualTo(new LiteralBounds("abc", "abc"));
		assertThat(LiteralBounds.of("abc\\$")).isEqualTo(new LiteralBounds("abc$", "abc$"));
	}

	@Test
	void ofWhenALiteralIsQuantifiedThenItIsNotPartOfTheBounds() {
		assertThat(LiteralBounds.of("ab?c")).isEqualTo(new LiteralBounds("a", "c"));
		assertThat(LiteralBounds.of("ab{2}")).isEqualTo(new LiteralBounds("a", ""));
		assertThat(LiteralBounds.of("(ab)+c")).isEqualTo(new LiteralBounds("", "c"));
		assertThat(LiteralBounds.of("abc\\d")).isEqualTo(new LiteralBounds("abc", ""));
	}

	@Test
	void ofWhenAlternationFlagsQuotingOrUnreadEscapesThenNoBounds() {
		assertThat(LiteralBounds.of("abc|abd")).isEqualTo(LiteralBounds.NONE);
		assertThat(LiteralBounds.of("(?i)abc")).isEqualTo(LiteralBounds.NONE);
		assertThat(LiteralBounds.of("\\Qa.b\\E")).isEqualTo(LiteralBounds.NONE);
		assertThat(LiteralBounds.of("a\\u0041")).isEqualTo(LiteralBounds.NONE);
		assertThat(LiteralBounds.of("(a)\\1")).isEqualTo(LiteralBounds.NONE);
		assertThat(LiteralBounds.of("a[]b]c")).isEqualTo(LiteralBounds.NONE);
	}

	@Test
	void mayMatchWhenThePatternMatchesThenAlwaysTrueOverRandomPatternsAndSubjects() {
		// The bounds may only rule out what cannot match: checked against the JDK's
		// engine on random patterns.
		String[] atoms = { "a", "b", "\\.", ".", "[ab]", "[^a]", "(", ")", "*", "+", "?", "{1,2}", "^", "$", "\\d", "1",
				"\\$", "[a-c&&[b]]", "\\\\", "|", "(?i)" };
		char[] alphabet = { 'a', 'b', '.', '1', '$', '\\', 'A' };
		Random random = new Random(20261122);
		int compiled = 0;
		int matched = 0;
		for (int p = 0; p < 20_000; p++) {
			StringBuilder source = new StringBuilder();
			for (int n = random.nextInt(8); n >= 0; n--) {
				source.append(atoms[random.nextInt(atoms.length)]);
			}
			Pattern pattern;
			try {
				pattern = Pattern.compile(source.toString());
			}
			catch (PatternSyntaxException ex) {
				continue;
			}
			compiled++;
			LiteralBounds bounds = LiteralBounds.of(source.toString());
			for (int s = 0; s < 40; s++) {
				StringBuilder subject = new StringBuilder();
				for (int n = random.nextInt(7); n > 0; n--) {
					subject.append(alphabet[random.nextInt(alphabet.length)]);
				}
				if (pattern.matcher(subject).matches()) {
					matched++;
					assertThat(bounds.mayMatch(subject.toString())).as("pattern %s, subject %s", source, subject)
						.isTrue();
				}
			}
		}
		assertThat(compiled).isGreaterThan(5_000);
		assertThat(matched).isGreaterThan(5_000);
	}

}

package dev.writ.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage ledger: per grant and per subject, the last use and the exchanges of the last
 * 30 days; the register's pairs; its bounds.
 */
class UsageLedgerTests {

	static final LocalDate TODAY = LocalDate.parse("2026-12-07");

	final UsageLedger ledger = new UsageLedger((subject, audience) -> audience.equals("https://payments"),
			(grant) -> !grant.equals("unknown-grant"));

	void granted(String subject, String audience, String grant, String time) {
		this.ledger.granted(subject, audience, grant, Instant.parse(time));
	}

	@Test
	void exchangesCountedInTheThirtyDaysUpToTodayAndTheLastUseIsTheLatest() {
		granted("a", "https://payments", "pays", "2026-12-07T09:00:00Z");
		granted("a", "https://payments", "pays", "2026-12-07T08:00:00Z");
		// The window's first day (today and 29 before) is in; the day before it is out.
		granted("a", "https://payments", "pays", "2026-11-08T00:00:00Z");
		granted("a", "https://payments", "pays", "2026-11-07T23:59:59Z");
		// 30 days after a day takes its slot: the older count is replaced, not added to.
		granted("b", "https://ledger", "reads", "2026-10-01T12:00:00Z");
		granted("b", "https://ledger", "reads", "2026-10-31T12:00:00Z");

		assertThat(this.ledger.grant("pays", TODAY)).hasValueSatisfying((use) -> {
			assertThat(use.exchanges()).isEqualTo(3);
			assertThat(use.lastUsed()).isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
		});
		assertThat(this.ledger.grant("reads", TODAY)).hasValueSatisfying((use) -> {
			assertThat(use.exchanges()).isZero();
			assertThat(use.lastUsed()).isEqualTo(Instant.parse("2026-10-31T12:00:00Z"));
		});
		assertThat(this.ledger.subjects(TODAY)).containsExactly(
				new UsageLedger.Use("a", Instant.parse("2026-12-07T09:00:00Z"), 3),
				new UsageLedger.Use("b", Instant.parse("2026-10-31T12:00:00Z"), 0));
		// A window ending earlier holds b's later day only: the earlier one's slot was
		// taken.
		assertThat(this.ledger.grant("reads", LocalDate.parse("2026-11-20"))).map(UsageLedger.Use::exchanges)
			.contains(1L);
	}

	@Test
	void onlyThePairsTheRegisterAsksAboutAndTheNamedGrantsAreKept() {
		granted("a", "https://payments", "pays", "2026-12-07T09:00:00Z");
		granted("a", "https://ledger", "unknown-grant", "2026-12-07T09:00:00Z");

		assertThat(this.ledger.used("a", "https://payments")).isTrue();
		assertThat(this.ledger.used("a", "https://ledger")).isFalse();
		assertThat(this.ledger.used("b", "https://payments")).isFalse();
		assertThat(this.ledger.grant("unknown-grant", TODAY)).isEmpty();
		assertThat(this.ledger.lastUsed("unknown-grant")).isEmpty();
		assertThat(this.ledger.lastUsed("pays")).contains(Instant.parse("2026-12-07T09:00:00Z"));
		assertThat(this.ledger.subjects(TODAY)).extracting(UsageLedger.Use::exchanges).containsExactly(2L);
	}

	@Test
	void fullThenNewSubjectsCountedAsNotKeptAndKnownOnesStillCounted() {
		for (int i = 0; i < UsageLedger.MAX_SUBJECTS; i++) {
			granted("s" + i, "https://ledger", "pays", "2026-12-07T09:00:00Z");
		}
		granted("one-too-many", "https://ledger", "pays", "2026-12-07T09:00:00Z");
		granted("s0", "https://ledger", "pays", "2026-12-07T10:00:00Z");

		List<UsageLedger.Use> subjects = this.ledger.subjects(TODAY);
		assertThat(subjects).hasSize(UsageLedger.MAX_SUBJECTS)
			.noneMatch((use) -> use.name().equals("one-too-many"))
			.first()
			.isEqualTo(new UsageLedger.Use("s0", Instant.parse("2026-12-07T10:00:00Z"), 2));
		assertThat(this.ledger.notKept()).isEqualTo(1);
		assertThat(this.ledger.grant("pays", TODAY)).map(UsageLedger.Use::exchanges)
			.contains((long) UsageLedger.MAX_SUBJECTS + 2);
	}

	@Test
	void concurrentUsesAllCounted() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < 5_000; i++) {
						granted("a", "https://payments", "pays", "2026-12-07T09:00:00Z");
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.ledger.grant("pays", TODAY)).map(UsageLedger.Use::exchanges).contains(20_000L);
	}

}

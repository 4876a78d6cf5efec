package dev.writ.gate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** The gate with real (virtual) threads waiting at it. */
class ComputeGateTests {

	static final Duration LONG = Duration.ofSeconds(10);

	@Test
	void enterWhenTurnsFreeThenAtOnceAndLeaveGivesTheTurnBack() {
		ComputeGate gate = new ComputeGate(2);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ZERO))).isTrue();
		gate.leave();
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		gate.leave();
		assertThat(gate.waiting()).isZero();
	}

	@Test
	void enterWhenNoTurnComesFreeInTimeThenRefusedAndNoLongerWaiting() {
		ComputeGate gate = new ComputeGate(1);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ofMillis(100)))).isFalse();
		assertThat(gate.waiting()).isZero();
		gate.leave();
		// The refused waiter took nothing: the one turn is free.
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ZERO))).isTrue();
	}

	@Test
	void enterWhenATurnComesFreeWithinTheWaitThenServed() throws Exception {
		ComputeGate gate = new ComputeGate(1);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		AtomicBoolean entered = new AtomicBoolean();
		Thread waiter = Thread.ofVirtual().start(() -> entered.set(enterAndLeave(gate, LONG)));
		await().atMost(LONG).until(() -> gate.waiting() == 1);
		gate.leave();
		waiter.join(LONG.toMillis());
		assertThat(entered).isTrue();
	}

	@Test
	void waitersTakeTheirTurnsInTheOrderTheyCame() throws Exception {
		ComputeGate gate = new ComputeGate(1);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		List<Integer> served = Collections.synchronizedList(new ArrayList<>());
		List<Thread> waiters = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			int index = i;
			waiters.add(Thread.ofVirtual().start(() -> {
				if (gate.enter(LONG)) {
					served.add(index);
					gate.leave();
				}
			}));
			await().atMost(LONG).until(() -> gate.waiting() == index + 1);
		}
		gate.leave();
		for (Thread waiter : waiters) {
			waiter.join(LONG.toMillis());
		}
		assertThat(served).containsExactly(0, 1, 2, 3, 4, 5);
	}

	@Test
	void whileWaitingThenTheTurnGoesToAnotherAndComesBackAheadOfThoseNotStarted() throws Exception {
		ComputeGate gate = new ComputeGate(1);
		List<String> served = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch waiting = new CountDownLatch(1);
		CountDownLatch answered = new CountDownLatch(1);
		Thread fetching = Thread.ofVirtual().start(() -> {
			if (gate.enter(LONG)) {
				try {
					ComputeGate.whileWaiting(() -> {
						waiting.countDown();
						return answered.await(LONG.toMillis(), TimeUnit.MILLISECONDS);
					});
					served.add("returned");
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					gate.leave();
				}
			}
		});
		assertThat(waiting.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		// The one turn is free while the other waits on the network.
		assertThat(gate.enter(Duration.ofSeconds(1))).isTrue();
		Thread arriving = Thread.ofVirtual().start(() -> {
			if (gate.enter(LONG)) {
				served.add("arrived");
				gate.leave();
			}
		});
		await().atMost(LONG).until(() -> gate.waiting() == 1);
		answered.countDown();
		await().atMost(LONG).until(() -> gate.waiting() == 2);
		gate.leave();
		fetching.join(LONG.toMillis());
		arriving.join(LONG.toMillis());
		assertThat(served).containsExactly("returned", "arrived");
	}

	@Test
	void leaveWhenSomeoneWaitsThenTheTurnIsTheirsAndNoLateComerTakesIt() throws Exception {
		ComputeGate gate = new ComputeGate(1);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		CountDownLatch served = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		Thread waiter = Thread.ofVirtual().start(() -> {
			if (gate.enter(LONG)) {
				served.countDown();
				try {
					done.await(LONG.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				gate.leave();
			}
		});
		await().atMost(LONG).until(() -> gate.waiting() == 1);
		gate.leave();
		assertThat(served.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ZERO))).isFalse();
		done.countDown();
		waiter.join(LONG.toMillis());
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ZERO))).isTrue();
	}

	@Test
	void whileWaitingWhenTheWaitFailsThenTheTurnComesBackAll() {
		ComputeGate gate = new ComputeGate(1);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> ComputeGate.whileWaiting(() -> {
			throw new IllegalStateException("the issuer hung up");
		}));
		// Held again: nobody else gets in, and this thread can leave.
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ZERO))).isFalse();
		gate.leave();
		assertThat(inAnotherThread(() -> enterAndLeave(gate, Duration.ZERO))).isTrue();
	}

	@Test
	void whileWaitingWithoutATurnThenJustRuns() {
		assertThat(ComputeGate.whileWaiting(() -> "answer")).isEqualTo("answer");
	}

	@Test
	void enterWhenInterruptedThenRefusedWithTheFlagSetAgain() {
		ComputeGate gate = new ComputeGate(1);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		boolean[] flag = new boolean[1];
		assertThat(inAnotherThread(() -> {
			Thread.currentThread().interrupt();
			boolean entered = gate.enter(LONG);
			flag[0] = Thread.currentThread().isInterrupted();
			return entered;
		})).isFalse();
		assertThat(flag[0]).isTrue();
		assertThat(gate.waiting()).isZero();
		gate.leave();
	}

	@Test
	void enterTwiceOrLeaveWithoutATurnThenRefused() {
		ComputeGate gate = new ComputeGate(2);
		assertThatIllegalStateException().isThrownBy(gate::leave);
		assertThat(gate.enter(Duration.ZERO)).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> gate.enter(Duration.ZERO));
		gate.leave();
		assertThat(gate.waiting()).isZero();
	}

	private static boolean enterAndLeave(ComputeGate gate, Duration wait) {
		if (!gate.enter(wait)) {
			return false;
		}
		gate.leave();
		return true;
	}

	private static boolean inAnotherThread(java.util.function.BooleanSupplier work) {
		boolean[] result = new boolean[1];
		Thread thread = Thread.ofVirtual().start(() -> result[0] = work.getAsBoolean());
		try {
			thread.join(LONG.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(thread.isAlive()).as("the other thread has ended").isFalse();
		return result[0];
	}

}

package dev.writ.gate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * A fair limit on how many requests compute at once. An exchange is CPU work (a signature
 * to verify, one to make) between short waits on Redis or, rarely, an issuer; request
 * threads are virtual, and the JVM runs a virtual thread on its carrier until it blocks,
 * first come or not. Let every request compute at once and the carriers serve them in no
 * particular order: under load most answer soon and some wait seconds. Through this gate
 * at most {@code permits} compute at once, the rest wait in the order they came, and the
 * wait of each is the queue ahead of it.
 *
 * <p>
 * A request that waits on the network gives its permit up meanwhile
 * ({@link #whileWaiting}), so a slow issuer or Redis holds up nobody but its own
 * requests, and takes one back ahead of the requests that have not started. A request
 * that finds no permit within its wait is refused by the caller, answered rather than
 * queued without bound.
 */
public final class ComputeGate {

	// The gate the current thread holds a permit of, so that code far below the entry
	// point (a fetch, a Redis command) can give it up while it waits.
	private static final ThreadLocal<@Nullable ComputeGate> HELD = new ThreadLocal<>();

	private final ReentrantLock lock = new ReentrantLock();

	// Requests that gave their permit up to wait on the network, served first.
	private final ArrayDeque<Waiter> returning = new ArrayDeque<>();

	// Requests that have not computed yet, in the order they came.
	private final ArrayDeque<Waiter> arriving = new ArrayDeque<>();

	private int free;

	/**
	 * @param permits how many requests compute at once, at least 1
	 */
	public ComputeGate(int permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1");
		}
		this.free = permits;
	}

	/** How many requests wait for a turn now: those not started and those returning. */
	public int waiting() {
		this.lock.lock();
		try {
			return this.arriving.size() + this.returning.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes a permit for the current thread, waiting behind those who came first for at
	 * most {@code maxWait}. The caller that gets one must {@link #leave} in a
	 * {@code finally}.
	 * @return whether the thread holds a permit; false if none came free in time, or the
	 * thread was interrupted (its flag is set again)
	 */
	public boolean enter(Duration maxWait) {
		if (HELD.get() != null) {
			throw new IllegalStateException("this thread holds a permit already");
		}
		if (!acquire(false, System.nanoTime() + Math.max(0, maxWait.toNanos()))) {
			return false;
		}
		HELD.set(this);
		return true;
	}

	/** Gives the current thread's permit back, to the next in line. */
	public void leave() {
		if (HELD.get() != this) {
			throw new IllegalStateException("this thread holds no permit of this gate");
		}
		HELD.remove();
		release();
	}

	/**
	 * Runs a wait on the network (a fetch, a Redis command) with the current thread's
	 * permit given up meanwhile, and takes one back before it returns, ahead of requests
	 * that have not started. Without a permit, it just runs.
	 */
	public static <T, X extends Exception> T whileWaiting(Wait<T, X> wait) throws X {
		ComputeGate gate = HELD.get();
		if (gate == null) {
			return wait.run();
		}
		HELD.remove();
		gate.release();
		try {
			return wait.run();
		}
		finally {
			gate.acquire(true, 0);
			HELD.set(gate);
		}
	}

	/** {@link #whileWaiting(Wait)} for a wait that answers nothing. */
	public static void whileWaiting(Runnable wait) {
		whileWaiting(() -> {
			wait.run();
			return Boolean.TRUE;
		});
	}

	/** A wait on the network, with what it answers and what it may throw. */
	@FunctionalInterface
	public interface Wait<T, X extends Exception> {

		T run() throws X;

	}

	// A returning request waits as long as it takes: it must hold a permit to leave. An
	// arriving one waits until the deadline.
	private boolean acquire(boolean returning, long deadline) {
		ArrayDeque<Waiter> queue = returning ? this.returning : this.arriving;
		boolean bounded = !returning;
		Waiter waiter;
		this.lock.lock();
		try {
			// Returning requests go first; an arriving one takes a free permit only when
			// nobody waits.
			boolean ahead = !this.returning.isEmpty() || (!returning && !this.arriving.isEmpty());
			if (this.free > 0 && !ahead) {
				this.free--;
				return true;
			}
			waiter = new Waiter(Thread.currentThread());
			queue.addLast(waiter);
		}
		finally {
			this.lock.unlock();
		}
		boolean interrupted = false;
		while (!waiter.granted) {
			if (bounded) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || interrupted) {
					break;
				}
				LockSupport.parkNanos(this, left);
			}
			else {
				LockSupport.park(this);
			}
			if (Thread.interrupted()) {
				interrupted = true;
			}
		}
		try {
			if (waiter.granted) {
				return true;
			}
			this.lock.lock();
			try {
				// Granted between the last look and the lock: keep it.
				if (waiter.granted) {
					return true;
				}
				queue.remove(waiter);
				return false;
			}
			finally {
				this.lock.unlock();
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void release() {
		this.lock.lock();
		try {
			Waiter next = this.returning.pollFirst();
			if (next == null) {
				next = this.arriving.pollFirst();
			}
			if (next == null) {
				this.free++;
				return;
			}
			// The permit passes to the waiter as it is, never through free: nobody can
			// take it in between.
			next.granted = true;
			LockSupport.unpark(next.thread);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static final class Waiter {

		final Thread thread;

		volatile boolean granted;

		Waiter(Thread thread) {
			this.thread = thread;
		}

	}

}

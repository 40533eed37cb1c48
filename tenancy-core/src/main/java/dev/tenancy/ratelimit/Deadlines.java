package dev.tenancy.ratelimit;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action a fixed delay after it was scheduled, unless it is no longer needed, for
 * the per-decision timeouts of {@link FallbackRateLimiter}.
 * <p>
 * {@link java.util.concurrent.CompletableFuture#orTimeout} schedules a task in one shared
 * {@code ScheduledThreadPoolExecutor} and removes it again when the future completes: two
 * operations on a locked heap for every decision, almost all of whose timeouts never
 * fire. Here each delay has its own FIFO queue: with one delay per queue, deadlines
 * arrive in order, so scheduling is one lock-free append, nothing is ever cancelled (an
 * action checks whether it is still needed when it runs), and one daemon thread runs what
 * is due, at most {@value #TICK_MILLIS} ms late. The thread parks while every queue is
 * empty.
 */
final class Deadlines {

	private static final Logger logger = LoggerFactory.getLogger(Deadlines.class);

	private static final long TICK_MILLIS = 2;

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);

	private static final Map<Long, Queue<Due>> queues = new ConcurrentHashMap<>();

	private static final Thread sweeper;

	private static volatile boolean idle;

	static {
		sweeper = new Thread(Deadlines::sweepForever, "tenancy-ratelimit-deadlines");
		sweeper.setDaemon(true);
		sweeper.start();
	}

	private Deadlines() {
	}

	/**
	 * Run an action after a delay.
	 * @param delayNanos the delay; one queue is kept per distinct delay, so callers use a
	 * few fixed delays
	 * @param action what to run, on the sweeper thread; it must be quick and must not
	 * throw
	 */
	static void after(long delayNanos, Runnable action) {
		queues.computeIfAbsent(delayNanos, (delay) -> new ConcurrentLinkedQueue<>())
			.offer(new Due(System.nanoTime() + delayNanos, action));
		if (idle) {
			idle = false;
			LockSupport.unpark(sweeper);
		}
	}

	private static void sweepForever() {
		while (true) {
			boolean pending = false;
			for (Queue<Due> queue : queues.values()) {
				pending |= runDue(queue);
			}
			if (pending) {
				LockSupport.parkNanos(TICK_NANOS);
				continue;
			}
			idle = true;
			// an action scheduled between the sweep and setting idle saw idle false and
			// did
			// not wake us: look once more before parking
			if (queues.values().stream().allMatch(Queue::isEmpty)) {
				LockSupport.park();
			}
			idle = false;
		}
	}

	/** Runs the due actions of a queue; whether some remain. */
	private static boolean runDue(Queue<Due> queue) {
		long now = System.nanoTime();
		Due head;
		while ((head = queue.peek()) != null && head.atNanos() - now <= 0) {
			queue.poll();
			try {
				head.action().run();
			}
			catch (RuntimeException | Error ex) {
				logger.warn("A rate-limit timeout action failed", ex);
			}
		}
		return head != null;
	}

	private record Due(long atNanos, Runnable action) {
	}

}

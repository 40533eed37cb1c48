package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A small circuit breaker: it opens after {@code failureThreshold} consecutive failures,
 * lets one probe through once {@code openDuration} has passed (half-open), closes when
 * the probe succeeds and opens again when it fails. While open (and while a probe is out)
 * callers are refused at once, so no request waits for a timeout of a store known to be
 * down.
 */
public final class CircuitBreaker {

	private final int failureThreshold;

	private final long openNanos;

	private final LongSupplier nanoClock;

	private volatile State state = State.CLOSED;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private long openedAt;

	/**
	 * A breaker on the system's monotonic clock.
	 * @param failureThreshold consecutive failures that open it (at least 1)
	 * @param openDuration how long it stays open before a probe
	 */
	public CircuitBreaker(int failureThreshold, Duration openDuration) {
		this(failureThreshold, openDuration, System::nanoTime);
	}

	/**
	 * A breaker on a given clock.
	 * @param failureThreshold consecutive failures that open it (at least 1)
	 * @param openDuration how long it stays open before a probe
	 * @param nanoClock a monotonic clock in nanoseconds
	 */
	public CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier nanoClock) {
		if (failureThreshold < 1) {
			throw new IllegalArgumentException("failureThreshold must be at least 1");
		}
		Objects.requireNonNull(openDuration, "openDuration");
		if (openDuration.isNegative()) {
			throw new IllegalArgumentException("openDuration must not be negative");
		}
		this.failureThreshold = failureThreshold;
		this.openNanos = openDuration.toNanos();
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
	}

	/**
	 * @return the current state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Whether a call may go to the store now. In the open state after the open duration,
	 * the first caller gets the probe and the breaker turns half-open; every other caller
	 * is refused until the probe reports.
	 * @return {@code true} if the call may go ahead; it must then report
	 * {@link #onSuccess()} or {@link #onFailure()}
	 */
	public boolean tryAcquire() {
		State current = this.state;
		if (current == State.CLOSED) {
			return true;
		}
		if (current == State.HALF_OPEN) {
			return false;
		}
		synchronized (this) {
			if (this.state == State.OPEN && this.nanoClock.getAsLong() - this.openedAt >= this.openNanos) {
				this.state = State.HALF_OPEN;
				return true;
			}
			return this.state == State.CLOSED;
		}
	}

	/**
	 * Report a successful call. A success closes a half-open breaker; an open breaker
	 * waits for its probe.
	 * @return {@code true} if this closed the breaker
	 */
	public boolean onSuccess() {
		if (this.state == State.CLOSED) {
			if (this.consecutiveFailures.get() != 0) {
				this.consecutiveFailures.set(0);
			}
			return false;
		}
		synchronized (this) {
			if (this.state != State.HALF_OPEN) {
				return false;
			}
			this.state = State.CLOSED;
			this.consecutiveFailures.set(0);
			return true;
		}
	}

	/**
	 * Report a failed call (error or timeout).
	 * @return {@code true} if this opened the breaker
	 */
	public synchronized boolean onFailure() {
		switch (this.state) {
			case CLOSED -> {
				if (this.consecutiveFailures.incrementAndGet() >= this.failureThreshold) {
					open();
					return true;
				}
				return false;
			}
			case HALF_OPEN -> {
				open();
				return true;
			}
			default -> {
				// a call admitted before the breaker opened: keep the open period running
				return false;
			}
		}
	}

	/**
	 * How long until a probe may go, while open.
	 * @return nanoseconds, 0 when not open
	 */
	public synchronized long remainingOpenNanos() {
		if (this.state != State.OPEN) {
			return 0;
		}
		return Math.max(0, this.openNanos - (this.nanoClock.getAsLong() - this.openedAt));
	}

	private void open() {
		this.state = State.OPEN;
		this.openedAt = this.nanoClock.getAsLong();
		this.consecutiveFailures.set(0);
	}

	/** Breaker states. */
	public enum State {

		/** Calls go to the store. */
		CLOSED,

		/** Calls are refused until the open duration has passed. */
		OPEN,

		/** One probe is out; other calls are refused until it reports. */
		HALF_OPEN

	}

}

package dev.tenancy.registry.remote;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.tenancy.TenantId;

/**
 * Follows the config server's changes feed and passes each changed tenant on (to
 * {@link dev.tenancy.registry.CachingTenantRegistry#invalidate}, typically).
 * <p>
 * A daemon thread asks for the latest cursor at start ({@code GET
 * {url}/tenants/changes/latest}), then polls {@code GET
 * {url}/tenants/changes?after={cursor}&limit=}{@value #BATCH} every poll interval, asking
 * again at once while pages are not empty. On errors it backs off, doubling up to
 * {@link #MAX_BACKOFF}, and resumes from its cursor when the server answers again, so
 * nothing is missed and the cache need not be dropped. It reports a gap ({@code onGap}:
 * invalidate everything) only when it cannot be sure of that: the server answers that the
 * cursor is unknown (410 Gone, or an envelope cursor behind the one asked for, as after
 * the feed was reset), or the first cursor could only be fetched after failures (lookups
 * may have been answered meanwhile).
 * <p>
 * When changes are pushed (Spring Cloud Bus, {@code dev.tenancy.registry.bus}), the feed
 * is the catch-up path: {@link #setPollInterval} slows the polls down to a safety net
 * while the push channel is connected, and {@link #catchUp()} asks for a poll at once (a
 * gap in the pushed cursors, a reconnection to the broker). The cursor only ever moves
 * with what this authenticated feed says, never with what was pushed.
 */
public final class ConfigServerChangeFollower implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ConfigServerChangeFollower.class);

	/** Most changes asked for per request. */
	public static final int BATCH = 500;

	/** Longest wait between attempts while the server does not answer. */
	public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	static final int MAX_FEED_BYTES = 1024 * 1024;

	private final ConfigServerConnection connection;

	private final Consumer<TenantId> onChange;

	private final Runnable onGap;

	private volatile long pollNanos;

	private final long maxBackoffNanos;

	/** Released to cut the current wait between polls short. */
	private final Semaphore wake = new Semaphore(0);

	private volatile LongConsumer onCaughtUp = (cursor) -> {
	};

	private final Thread thread;

	private final CountDownLatch synced = new CountDownLatch(1);

	private final AtomicLong gaps = new AtomicLong();

	private final AtomicLong changes = new AtomicLong();

	private volatile long cursor = -1;

	private volatile boolean following;

	private volatile boolean running = true;

	/**
	 * {@link System#nanoTime()} of the last poll the config server answered; 0 before the
	 * first.
	 */
	private volatile long lastAnswerNanos;

	/**
	 * Start following.
	 * @param connection the config server
	 * @param onChange told the id of each changed tenant
	 * @param onGap told when changes may have been missed
	 * @param pollInterval time between polls
	 */
	public ConfigServerChangeFollower(ConfigServerConnection connection, Consumer<TenantId> onChange, Runnable onGap,
			Duration pollInterval) {
		this(connection, onChange, onGap, pollInterval, MAX_BACKOFF);
	}

	ConfigServerChangeFollower(ConfigServerConnection connection, Consumer<TenantId> onChange, Runnable onGap,
			Duration pollInterval, Duration maxBackoff) {
		if (pollInterval.isNegative() || pollInterval.isZero()) {
			throw new IllegalArgumentException("pollInterval must be positive");
		}
		this.connection = connection;
		this.onChange = onChange;
		this.onGap = onGap;
		this.pollNanos = pollInterval.toNanos();
		this.maxBackoffNanos = Math.max(maxBackoff.toNanos(), pollInterval.toNanos());
		this.thread = new Thread(this::run, "tenancy-registry-follower");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		boolean gap = false;
		int failures = 0;
		while (this.running) {
			try {
				if (this.cursor < 0) {
					this.cursor = latest();
					if (gap) {
						this.gaps.incrementAndGet();
						this.onGap.run();
						gap = false;
					}
					this.synced.countDown();
				}
				else if (!poll()) {
					logger.warn("Config server does not know the changes cursor {}; reloading all tenants",
							this.cursor);
					this.cursor = -1;
					gap = true;
					continue;
				}
				if (failures > 0) {
					logger.info("Config server answers again; following its changes from cursor {}", this.cursor);
				}
				failures = 0;
				this.following = true;
				this.lastAnswerNanos = System.nanoTime();
				this.onCaughtUp.accept(this.cursor);
				awaitNextPoll(this.pollNanos);
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				this.following = false;
				if (this.cursor < 0) {
					// Lookups may be answered before the first cursor: after it, reload
					// them.
					gap = true;
				}
				failures++;
				if (failures == 1) {
					logger.warn("Cannot follow the config server's tenant changes; retrying with backoff: {}",
							ex.getMessage());
				}
				else {
					logger.debug("Config server tenant changes still unavailable (attempt {}): {}", failures,
							ex.getMessage());
				}
				sleep(backoff(failures));
			}
		}
	}

	private long backoff(int failures) {
		long delay = this.pollNanos << Math.min(failures, 20);
		return (delay <= 0 || delay > this.maxBackoffNanos) ? this.maxBackoffNanos : delay;
	}

	private long latest() {
		ConfigServerConnection.Response response = this.connection.get("/tenants/changes/latest", null, 4096);
		if (response.status() != 200) {
			throw new ConfigServerResponseException(
					"Config server answered the latest changes cursor with HTTP " + response.status());
		}
		return RemoteJson.nonNegativeLong(RemoteJson.readObject(response.body(), "the latest cursor"), "cursor",
				"the latest cursor");
	}

	/**
	 * Drains the feed after the cursor. @return {@code false} when the server does not
	 * know the cursor
	 */
	private boolean poll() {
		while (this.running) {
			long after = this.cursor;
			ConfigServerConnection.Response response = this.connection
				.get("/tenants/changes?after={after}&limit={limit}", null, MAX_FEED_BYTES, after, BATCH);
			if (response.status() == 410) {
				return false;
			}
			if (response.status() != 200) {
				throw new ConfigServerResponseException(
						"Config server answered the changes feed with HTTP " + response.status());
			}
			String what = "the changes feed";
			JsonNode root = RemoteJson.readObject(response.body(), what);
			long next = RemoteJson.nonNegativeLong(root, "cursor", what);
			JsonNode list = root.get("changes");
			if (list == null || !list.isArray()) {
				throw new ConfigServerResponseException("Config server sent the changes feed without a 'changes' list");
			}
			if (next < after) {
				return false;
			}
			long previous = after;
			for (JsonNode change : list) {
				if (!change.isObject()) {
					throw new ConfigServerResponseException("Config server sent a change that is not an object");
				}
				long at = RemoteJson.nonNegativeLong(change, "cursor", "a change");
				if (at <= previous || at > next) {
					throw new ConfigServerResponseException("Config server sent changes out of order");
				}
				previous = at;
			}
			for (JsonNode change : list) {
				String tenant = RemoteJson.text(change, "tenant", true, "a change");
				TenantId.parse(tenant).ifPresentOrElse((id) -> {
					this.changes.incrementAndGet();
					this.onChange.accept(id);
				}, () -> logger.warn("Config server sent a change for an invalid tenant id; ignored"));
			}
			this.cursor = next;
			// Drain until an empty page: the server may cap a page below the limit asked
			// for.
			if (list.isEmpty() || next == after) {
				return true;
			}
		}
		return true;
	}

	/**
	 * Waits until the next poll is due or {@link #catchUp()} is called, whichever comes
	 * first. Several catch-up requests during one wait make one poll.
	 */
	private void awaitNextPoll(long nanos) {
		try {
			if (this.wake.tryAcquire(nanos, TimeUnit.NANOSECONDS)) {
				this.wake.drainPermits();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	/**
	 * Poll the feed now rather than at the next poll interval (while the config server
	 * does not answer, the backoff still applies: a flood of requests cannot turn into a
	 * flood of polls).
	 */
	public void catchUp() {
		this.wake.release();
	}

	/**
	 * Change the time between polls; takes effect after the current wait (call
	 * {@link #catchUp()} to end that at once).
	 * @param pollInterval the new interval, positive
	 */
	public void setPollInterval(Duration pollInterval) {
		if (pollInterval.isNegative() || pollInterval.isZero()) {
			throw new IllegalArgumentException("pollInterval must be positive");
		}
		this.pollNanos = pollInterval.toNanos();
	}

	/**
	 * The time between polls.
	 * @return the interval
	 */
	public Duration pollInterval() {
		return Duration.ofNanos(this.pollNanos);
	}

	/**
	 * Be told, on the follower's thread, the cursor after each poll that reached the end
	 * of the feed.
	 * @param onCaughtUp told the cursor
	 */
	public void setOnCaughtUp(LongConsumer onCaughtUp) {
		this.onCaughtUp = onCaughtUp;
	}

	private void sleep(long nanos) {
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	/**
	 * Wait until the first cursor is known.
	 * @param timeout how long to wait
	 * @return {@code true} if following
	 * @throws InterruptedException if interrupted
	 */
	public boolean awaitSynced(Duration timeout) throws InterruptedException {
		return this.synced.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * The cursor of the last change seen.
	 * @return the cursor, or {@code -1} before the first one is known
	 */
	public long cursor() {
		return this.cursor;
	}

	/**
	 * Whether the last poll got through.
	 * @return {@code true} if following
	 */
	public boolean isFollowing() {
		return this.following && this.running;
	}

	/**
	 * How many times every tenant had to be reloaded because changes may have been
	 * missed.
	 * @return the count
	 */
	public long gaps() {
		return this.gaps.get();
	}

	/**
	 * How many changes were passed on.
	 * @return the count
	 */
	public long changes() {
		return this.changes.get();
	}

	/**
	 * How long ago the config server last answered a poll of the changes feed: a change
	 * made there reaches this instance at most about this long (plus a poll interval)
	 * after it was made, so this is the bound on how stale the cache may be.
	 * @return the age, never negative; empty before the first answer
	 */
	public Optional<Duration> lastAnswerAge() {
		long at = this.lastAnswerNanos;
		return (at == 0) ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, System.nanoTime() - at)));
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

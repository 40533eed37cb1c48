package dev.tenancy.registry.bus;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenantId;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;

/**
 * Applies pushed tenant changes to an instance's cache, with the config server's changes
 * feed ({@link ConfigServerChangeFollower}) as the catch-up path and the only source of
 * truth.
 * <p>
 * A pushed event is not trusted: anyone who may publish on the broker's bus exchange can
 * forge one. So an event only
 * <ul>
 * <li>invalidates the tenant it names: the next lookup fetches that tenant from the
 * config server's authenticated tenant API (a 304 when nothing changed), so a forged
 * event costs a request and can neither change a tenant nor hide a change;</li>
 * <li>asks the feed for a catch-up when its cursor is not the one after the last cursor
 * seen (an event was lost: the broker dropped it, the consumer was away, a cursor was
 * skipped). The follower's cursor moves only with the feed, so a forged cursor cannot
 * make an instance skip a change; a forged high cursor is forgotten at the next
 * catch-up.</li>
 * </ul>
 * Events at or before the feed's cursor were already applied from the feed and are
 * ignored. While the bus is connected the feed is polled at the slow safety interval
 * (what a lost or suppressed event can cost at most); while it is not, at the fast one;
 * every (re)connection starts with a catch-up, because events published while the
 * consumer was away are lost (its queue is not durable).
 */
public final class TenantChangePush {

	private static final Logger logger = LoggerFactory.getLogger(TenantChangePush.class);

	/** Longest lag recorded: beyond that the publisher's clock is not believed. */
	private static final long MAX_LAG_MILLIS = Duration.ofHours(1).toMillis();

	/** What became of a received event. */
	public enum Outcome {

		/** The tenant was invalidated. */
		APPLIED,

		/** The changes feed had already delivered it. */
		ALREADY_SEEN,

		/** Malformed (invalid tenant id, negative cursor or version): ignored. */
		REJECTED

	}

	private final ConfigServerChangeFollower follower;

	private final Consumer<TenantId> invalidate;

	private final Duration pollInterval;

	private final Duration safetyPollInterval;

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong applied = new AtomicLong();

	private final AtomicLong rejected = new AtomicLong();

	private final AtomicLong gaps = new AtomicLong();

	private final AtomicLong connections = new AtomicLong();

	private final Object lock = new Object();

	/** Highest cursor pushed since the last catch-up, or the feed's cursor then. */
	private long lastPushed = -1;

	private volatile boolean connected;

	private volatile LongConsumer lagRecorder = (millis) -> {
	};

	/**
	 * Push on top of a follower, which starts polling fast until the bus connects.
	 * @param follower the changes feed follower of the same cache
	 * @param invalidate invalidates one tenant of the cache
	 * @param pollInterval the poll interval while the bus is not connected
	 * @param safetyPollInterval the poll interval while it is
	 */
	public TenantChangePush(ConfigServerChangeFollower follower, Consumer<TenantId> invalidate, Duration pollInterval,
			Duration safetyPollInterval) {
		this.follower = follower;
		this.invalidate = invalidate;
		this.pollInterval = pollInterval;
		this.safetyPollInterval = safetyPollInterval;
		follower.setPollInterval(pollInterval);
		follower.setOnCaughtUp(this::caughtUp);
	}

	/**
	 * A tenant change event arrived.
	 * @param tenant the tenant id as sent
	 * @param version the version as sent
	 * @param cursor the cursor as sent
	 * @param publishedAt the publisher's time, epoch milliseconds
	 * @return what became of it
	 */
	public Outcome received(String tenant, long version, long cursor, long publishedAt) {
		this.received.incrementAndGet();
		Optional<TenantId> id = (tenant != null) ? TenantId.parse(tenant) : Optional.empty();
		if (id.isEmpty() || version < 0 || cursor < 0) {
			this.rejected.incrementAndGet();
			logger.debug("Ignored a malformed tenant change event");
			return Outcome.REJECTED;
		}
		long lag = System.currentTimeMillis() - publishedAt;
		if (lag >= 0 && lag <= MAX_LAG_MILLIS) {
			this.lagRecorder.accept(lag);
		}
		long feedCursor = this.follower.cursor();
		if (feedCursor >= 0 && cursor <= feedCursor) {
			return Outcome.ALREADY_SEEN;
		}
		this.invalidate.accept(id.get());
		this.applied.incrementAndGet();
		boolean gap;
		synchronized (this.lock) {
			long last = Math.max(this.lastPushed, feedCursor);
			gap = last < 0 || cursor > last + 1;
			this.lastPushed = Math.max(this.lastPushed, cursor);
		}
		if (gap) {
			// Cursors may also skip for harmless reasons (a rolled-back write takes an
			// id): a catch-up costs one feed request and finds nothing then.
			this.gaps.incrementAndGet();
			this.follower.catchUp();
		}
		return Outcome.APPLIED;
	}

	/**
	 * The bus consumer is (again) subscribed: catch up on what it missed, poll slowly.
	 */
	public void connected() {
		if (!this.connected) {
			this.connections.incrementAndGet();
			logger.info("Tenant changes are pushed over the bus; catching up from the changes feed, then polling it "
					+ "every {}", this.safetyPollInterval);
		}
		this.connected = true;
		this.follower.setPollInterval(this.safetyPollInterval);
		this.follower.catchUp();
	}

	/** The bus consumer lost its subscription: poll fast until it is back. */
	public void disconnected() {
		if (this.connected) {
			logger.warn("Tenant change bus disconnected; polling the changes feed every {} until it is back",
					this.pollInterval);
		}
		this.connected = false;
		this.follower.setPollInterval(this.pollInterval);
		this.follower.catchUp();
	}

	private void caughtUp(long feedCursor) {
		synchronized (this.lock) {
			// The feed is the truth: a pushed cursor beyond it was forged (or is racing
			// this
			// poll, which at worst costs one more catch-up).
			this.lastPushed = feedCursor;
		}
	}

	/**
	 * Record the lag of each applied event (publisher's clock to this one's).
	 * @param lagRecorder told the lag in milliseconds
	 */
	public void setLagRecorder(LongConsumer lagRecorder) {
		this.lagRecorder = lagRecorder;
	}

	/**
	 * Whether the bus consumer is subscribed.
	 * @return {@code true} if connected
	 */
	public boolean isConnected() {
		return this.connected;
	}

	/**
	 * Events received.
	 * @return the count
	 */
	public long received() {
		return this.received.get();
	}

	/**
	 * Events that invalidated a tenant.
	 * @return the count
	 */
	public long applied() {
		return this.applied.get();
	}

	/**
	 * Malformed events ignored.
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.get();
	}

	/**
	 * Catch-ups asked for because pushed cursors skipped.
	 * @return the count
	 */
	public long gaps() {
		return this.gaps.get();
	}

	/**
	 * Times the bus consumer (re)connected.
	 * @return the count
	 */
	public long connections() {
		return this.connections.get();
	}

	/**
	 * The follower this pushes for.
	 * @return the follower
	 */
	public ConfigServerChangeFollower follower() {
		return this.follower;
	}

}

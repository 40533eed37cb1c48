package dev.tenancy.configserver.bus;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.bus.event.PathDestinationFactory;
import org.springframework.context.ApplicationEventPublisher;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChanges;
import dev.tenancy.registry.bus.TenantChangedRemoteEvent;

/**
 * Publishes a {@link TenantChangedRemoteEvent} on the bus for each entry of the
 * registry's changes feed, in feed order, to every service.
 * <p>
 * It follows the same feed that it serves ({@code GET /tenants/changes}), so whichever
 * instance or tool wrote a change, it is published once the write committed: a daemon
 * thread reads the changes after its cursor whenever PostgreSQL notifies a change
 * ({@link #wake()}) and at least every safety interval. A change that cannot be published
 * (the broker is down) is not retried: every instance was disconnected from the bus too,
 * and catches up from the feed when its consumer is back. Several config server replicas
 * each publish every change; receivers tolerate duplicates.
 * <p>
 * Before a change is published, this server's own cache of that tenant is invalidated
 * ({@code beforePublish}): an instance that receives the event asks this server for the
 * tenant at once, and the cache's own invalidation comes from another {@code LISTEN}
 * connection that may hear of the change later than this publisher. Without it, the
 * instance could be answered the old tenant (a 304) and keep it until its next safety
 * poll. With several replicas, each invalidates before it publishes, so the last event an
 * instance receives for a change is always followed by fresh answers.
 */
final class TenantChangePublisher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TenantChangePublisher.class);

	private static final int BATCH = 500;

	private final TenantAdministration administration;

	private final ApplicationEventPublisher events;

	private final Supplier<String> busId;

	private final long safetyNanos;

	private final Semaphore wake = new Semaphore(0);

	private final Thread thread;

	private final Function<Runnable, AutoCloseable> notifications;

	private final Consumer<TenantId> beforePublish;

	private AutoCloseable listening;

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private volatile long cursor = -1;

	private volatile boolean running = true;

	/**
	 * A publisher; {@link #start()} starts it.
	 * @param administration the registry's changes feed
	 * @param events where bus events are published
	 * @param busId this server's bus id (the events' origin)
	 * @param safetyInterval longest time between reads of the feed
	 * @param notifications starts listening for change notifications, calling the given
	 * runnable on each (and after each gap in them)
	 * @param beforePublish told each changed tenant before its event is published
	 * (invalidates this server's cache of it)
	 */
	TenantChangePublisher(TenantAdministration administration, ApplicationEventPublisher events, Supplier<String> busId,
			Duration safetyInterval, Function<Runnable, AutoCloseable> notifications,
			Consumer<TenantId> beforePublish) {
		this.notifications = notifications;
		this.beforePublish = beforePublish;
		this.administration = administration;
		this.events = events;
		this.busId = busId;
		this.safetyNanos = safetyInterval.toNanos();
		this.thread = new Thread(this::run, "tenancy-bus-publisher");
		this.thread.setDaemon(true);
	}

	synchronized void start() {
		if (this.listening == null) {
			this.listening = this.notifications.apply(this::wake);
			this.thread.start();
		}
	}

	/** A change was notified: read the feed now. */
	void wake() {
		this.wake.release();
	}

	private void run() {
		boolean failing = false;
		while (this.running) {
			try {
				if (this.cursor < 0) {
					// From the latest change on, republished: an instance that missed
					// changes while this server was away sees the gap in the cursors
					// and catches up on the feed (earlier changes need no event).
					this.cursor = Math.max(0, this.administration.latestChange() - 1);
					drain();
				}
				else {
					drain();
				}
				if (failing) {
					logger.info("Tenant change publisher reads the registry again from cursor {}", this.cursor);
					failing = false;
				}
			}
			catch (RuntimeException ex) {
				if (!failing) {
					logger.warn("Tenant change publisher cannot read the registry's changes; retrying: {}",
							ex.getMessage());
					failing = true;
				}
			}
			await();
		}
	}

	private void drain() {
		while (this.running) {
			TenantChanges page = this.administration.changesAfter(this.cursor, BATCH);
			for (TenantChanges.Change change : page.changes()) {
				publish(change);
			}
			this.cursor = Math.max(this.cursor, page.cursor());
			if (page.changes().size() < BATCH) {
				return;
			}
		}
	}

	private void publish(TenantChanges.Change change) {
		TenantId.parse(change.tenant()).ifPresent(this.beforePublish);
		try {
			this.events.publishEvent(new TenantChangedRemoteEvent(this, this.busId.get(),
					new PathDestinationFactory().getDestination(null), change.tenant(), change.version(),
					change.cursor(), System.currentTimeMillis()));
			this.published.incrementAndGet();
		}
		catch (RuntimeException ex) {
			// The broker is away: instances are disconnected too and catch up from the
			// feed when their consumer is back, so this change is not lost.
			if (this.failed.getAndIncrement() % 100 == 0) {
				logger.warn("Cannot publish tenant changes on the bus (instances catch up from the changes feed): {}",
						ex.getMessage());
			}
		}
	}

	private void await() {
		try {
			if (this.wake.tryAcquire(this.safetyNanos, TimeUnit.NANOSECONDS)) {
				this.wake.drainPermits();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	long published() {
		return this.published.get();
	}

	long failed() {
		return this.failed.get();
	}

	long cursor() {
		return this.cursor;
	}

	@Override
	public synchronized void close() {
		if (this.listening != null) {
			try {
				this.listening.close();
			}
			catch (Exception ex) {
				logger.debug("Closing the change notifications failed", ex);
			}
		}
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

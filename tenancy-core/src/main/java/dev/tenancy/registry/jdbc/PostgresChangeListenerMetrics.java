package dev.tenancy.registry.jdbc;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The state of the tenant change listener: {@value #CONNECTED} (gauge, 1 while it
 * listens; while 0 other instances' changes reach this one only when cached entries
 * expire), {@value #RECONNECTS} (counter; each reconnect reloads every cached tenant) and
 * {@value #LAG} (timer: from a change's write in the database, on the database's clock,
 * to its invalidation in this instance's cache).
 */
public final class PostgresChangeListenerMetrics implements MeterBinder {

	/** Connected gauge name. */
	public static final String CONNECTED = "tenancy.registry.listener.connected";

	/** Reconnects counter name. */
	public static final String RECONNECTS = "tenancy.registry.listener.reconnects";

	/** Lag timer name. */
	public static final String LAG = "tenancy.registry.listener.lag";

	private final PostgresChangeListener listener;

	/**
	 * Metrics of a listener.
	 * @param listener the listener
	 */
	public PostgresChangeListenerMetrics(PostgresChangeListener listener) {
		this.listener = listener;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(CONNECTED, this.listener, (listener) -> listener.isConnected() ? 1 : 0)
			.description("1 while the tenant change listener (LISTEN/NOTIFY) is connected")
			.register(registry);
		FunctionCounter.builder(RECONNECTS, this.listener, PostgresChangeListener::reconnects)
			.description("Times the tenant change listener reconnected (and reloaded the cached tenants)")
			.register(registry);
		Timer lag = Timer.builder(LAG)
			.description("Time from a tenant change's write in the database (its clock) to its invalidation in this "
					+ "instance's tenant cache")
			.register(registry);
		this.listener.addLagRecorder(lag::record);
	}

}

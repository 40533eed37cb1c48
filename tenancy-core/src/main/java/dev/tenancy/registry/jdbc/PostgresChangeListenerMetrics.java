package dev.tenancy.registry.jdbc;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The state of the tenant change listener: {@value #CONNECTED} (gauge, 1 while it
 * listens; while 0 other instances' changes reach this one only when cached entries
 * expire) and {@value #RECONNECTS} (counter; each reconnect reloads every cached tenant).
 */
public final class PostgresChangeListenerMetrics implements MeterBinder {

	/** Connected gauge name. */
	public static final String CONNECTED = "tenancy.registry.listener.connected";

	/** Reconnects counter name. */
	public static final String RECONNECTS = "tenancy.registry.listener.reconnects";

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
	}

}

package dev.tenancy.registry.bus;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of pushed tenant changes: {@value #CONNECTED} (gauge, 1 while the bus consumer
 * is subscribed), {@value #RECEIVED}, {@value #APPLIED} and {@value #REJECTED} (counters
 * of events), {@value #GAPS} (catch-ups from the feed asked for by skipped cursors) and
 * {@value #LAG} (timer, from publication on the config server to receipt here; as exact
 * as the two clocks agree).
 */
public final class TenantChangePushMetrics implements MeterBinder {

	/** Connected gauge name. */
	public static final String CONNECTED = "tenancy.registry.bus.connected";

	/** Received events counter name. */
	public static final String RECEIVED = "tenancy.registry.bus.events.received";

	/** Applied events counter name. */
	public static final String APPLIED = "tenancy.registry.bus.events.applied";

	/** Rejected events counter name. */
	public static final String REJECTED = "tenancy.registry.bus.events.rejected";

	/** Gaps counter name. */
	public static final String GAPS = "tenancy.registry.bus.gaps";

	/** Lag timer name. */
	public static final String LAG = "tenancy.registry.bus.lag";

	private final TenantChangePush push;

	/**
	 * Meters of a push.
	 * @param push the push
	 */
	public TenantChangePushMetrics(TenantChangePush push) {
		this.push = push;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(CONNECTED, this.push, (push) -> push.isConnected() ? 1 : 0)
			.description("1 while tenant changes are pushed over the bus")
			.register(registry);
		FunctionCounter.builder(RECEIVED, this.push, TenantChangePush::received)
			.description("Tenant change events received from the bus")
			.register(registry);
		FunctionCounter.builder(APPLIED, this.push, TenantChangePush::applied)
			.description("Tenant change events that invalidated a cached tenant")
			.register(registry);
		FunctionCounter.builder(REJECTED, this.push, TenantChangePush::rejected)
			.description("Malformed tenant change events ignored")
			.register(registry);
		FunctionCounter.builder(GAPS, this.push, TenantChangePush::gaps)
			.description("Catch-ups from the changes feed because pushed cursors skipped")
			.register(registry);
		Timer lag = Timer.builder(LAG)
			.description("Time from the config server publishing a tenant change to this instance receiving it")
			.publishPercentileHistogram()
			.register(registry);
		this.push.setLagRecorder((millis) -> lag.record(millis, TimeUnit.MILLISECONDS));
	}

}

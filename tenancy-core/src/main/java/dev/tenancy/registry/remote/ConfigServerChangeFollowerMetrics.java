package dev.tenancy.registry.remote;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The state of the config server's change follower: {@value #POLL_AGE} (gauge, seconds
 * since the config server last answered a poll of its changes feed: how stale the tenant
 * cache may be; NaN before the first answer), {@value #FOLLOWING} (gauge, 1 while polls
 * succeed) and {@value #GAPS} (counter; each gap reloads every cached tenant).
 */
public final class ConfigServerChangeFollowerMetrics implements MeterBinder {

	/** Poll age gauge name. */
	public static final String POLL_AGE = "tenancy.registry.follower.poll.age";

	/** Following gauge name. */
	public static final String FOLLOWING = "tenancy.registry.follower.following";

	/** Gaps counter name. */
	public static final String GAPS = "tenancy.registry.follower.gaps";

	private final ConfigServerChangeFollower follower;

	/**
	 * Metrics of a follower.
	 * @param follower the follower
	 */
	public ConfigServerChangeFollowerMetrics(ConfigServerChangeFollower follower) {
		this.follower = follower;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(POLL_AGE, this.follower, ConfigServerChangeFollowerMetrics::ageSeconds)
			.description("Seconds since the config server last answered a poll of its tenant changes feed")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder(FOLLOWING, this.follower, (follower) -> follower.isFollowing() ? 1 : 0)
			.description("1 while the config server's tenant changes feed is followed")
			.register(registry);
		FunctionCounter.builder(GAPS, this.follower, ConfigServerChangeFollower::gaps)
			.description("Times the tenant cache was reloaded because changes could have been missed")
			.register(registry);
	}

	private static double ageSeconds(ConfigServerChangeFollower follower) {
		return follower.lastAnswerAge().map((age) -> age.toNanos() / 1e9).orElse(Double.NaN);
	}

}

package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.bus.TenantChangePush;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerConnection;

/**
 * The config-server registry's health: UP while the config server answered recently (the
 * follower polls it every poll interval, or every safety poll interval while changes are
 * pushed over the bus), DOWN otherwise, when known tenants are served from the cache and
 * tenants never seen get 503. The follower's cursor, the cache size and the bus state
 * ({@code connected}, or {@code disconnected} while the feed is polled fast) are details.
 */
class ConfigServerRegistryHealthIndicator extends AbstractHealthIndicator {

	private final ConfigServerConnection connection;

	private final ConfigServerChangeFollower follower;

	private final CachingTenantRegistry cache;

	private final Duration recently;

	private final TenantChangePush push;

	private final Duration recentlyWhilePushed;

	ConfigServerRegistryHealthIndicator(ConfigServerConnection connection, ConfigServerChangeFollower follower,
			CachingTenantRegistry cache, Duration recently) {
		this(connection, follower, cache, recently, null, recently);
	}

	ConfigServerRegistryHealthIndicator(ConfigServerConnection connection, ConfigServerChangeFollower follower,
			CachingTenantRegistry cache, Duration recently, TenantChangePush push, Duration recentlyWhilePushed) {
		super("Tenant registry health check failed");
		this.connection = connection;
		this.follower = follower;
		this.cache = cache;
		this.recently = recently;
		this.push = push;
		this.recentlyWhilePushed = recentlyWhilePushed;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean pushed = this.push != null && this.push.isConnected();
		if (this.connection.answeredWithin(pushed ? this.recentlyWhilePushed : this.recently)) {
			builder.up();
		}
		else {
			builder.down();
			String failure = this.connection.lastFailure();
			if (failure != null) {
				builder.withDetail("error", failure);
			}
		}
		builder.withDetail("source", "config-server")
			.withDetail("url", this.connection.url().toString())
			.withDetail("cached", this.cache.size());
		Duration since = this.connection.sinceLastAnswer();
		builder.withDetail("lastAnswer", (since != null) ? since.toMillis() + "ms ago" : "never");
		if (this.follower != null) {
			builder.withDetail("cursor", this.follower.cursor())
				.withDetail("changeFollower", this.follower.isFollowing() ? "following" : "retrying")
				.withDetail("pollInterval", this.follower.pollInterval().toString());
		}
		if (this.push != null) {
			builder.withDetail("bus", pushed ? "connected" : "disconnected");
		}
	}

}

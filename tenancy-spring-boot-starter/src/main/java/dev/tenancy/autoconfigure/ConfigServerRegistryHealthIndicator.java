package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerConnection;

/**
 * The config-server registry's health: UP while the config server answered recently (the
 * follower polls it every poll interval), DOWN otherwise, when known tenants are served
 * from the cache and tenants never seen get 503. The follower's cursor and the cache size
 * are details.
 */
class ConfigServerRegistryHealthIndicator extends AbstractHealthIndicator {

	private final ConfigServerConnection connection;

	private final ConfigServerChangeFollower follower;

	private final CachingTenantRegistry cache;

	private final Duration recently;

	ConfigServerRegistryHealthIndicator(ConfigServerConnection connection, ConfigServerChangeFollower follower,
			CachingTenantRegistry cache, Duration recently) {
		super("Tenant registry health check failed");
		this.connection = connection;
		this.follower = follower;
		this.cache = cache;
		this.recently = recently;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.connection.answeredWithin(this.recently)) {
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
				.withDetail("changeFollower", this.follower.isFollowing() ? "following" : "retrying");
		}
	}

}

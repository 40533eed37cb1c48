package dev.tenancy.autoconfigure;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.tenancy.jdbc.DatabaseProbe;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.PostgresChangeListener;

/**
 * The registry's health: DOWN when its database does not answer; the change listener's
 * state and the cache size as details. A lost listener is reported but is not DOWN: it
 * reconnects by itself and the cache's time-to-live bounds staleness meanwhile.
 */
class TenantRegistryHealthIndicator extends AbstractHealthIndicator {

	private final JdbcTenantRegistry registry;

	private final PostgresChangeListener listener;

	private final CachingTenantRegistry cache;

	private final DatabaseProbe database;

	TenantRegistryHealthIndicator(JdbcTenantRegistry registry, PostgresChangeListener listener,
			CachingTenantRegistry cache) {
		this(registry, listener, cache, null);
	}

	/**
	 * With a database probe, the registry's database is asked within the health timeout
	 * first, so that health answers quickly while the database is away (the registry's
	 * own query would wait for the pool's connection timeout).
	 */
	TenantRegistryHealthIndicator(JdbcTenantRegistry registry, PostgresChangeListener listener,
			CachingTenantRegistry cache, DatabaseProbe database) {
		super("Tenant registry health check failed");
		this.registry = registry;
		this.listener = listener;
		this.cache = cache;
		this.database = database;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.database != null) {
			DatabaseProbe.Result result = this.database.check();
			if (!result.isUp()) {
				builder.down().withDetail("database", result.description()).withDetail("cached", this.cache.size());
				return;
			}
		}
		long tenants = this.registry.list(null, 0, 1).total();
		builder.up().withDetail("tenants", tenants).withDetail("cached", this.cache.size());
		if (this.listener != null) {
			builder.withDetail("changeListener", this.listener.isConnected() ? "listening" : "reconnecting")
				.withDetail("listenerReconnects", this.listener.reconnects());
		}
	}

}

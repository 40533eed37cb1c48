package dev.tenancy.autoconfigure;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.tenancy.jdbc.DatabaseProbe;

/**
 * The {@code db} health component in place of Spring Boot's, which borrows a pooled
 * connection and so, while the database is away, answers only after the pool's connection
 * timeout: DOWN with {@code database: unreachable} (or
 * {@code no answer within the health timeout}) within
 * {@code tenancy.jdbc.health-timeout}.
 */
class DatabaseHealthIndicator implements HealthIndicator {

	private final DatabaseProbe probe;

	DatabaseHealthIndicator(DatabaseProbe probe) {
		this.probe = probe;
	}

	@Override
	public Health health() {
		DatabaseProbe.Result result = this.probe.check();
		return (result.isUp() ? Health.up() : Health.down()).withDetail("database", result.description()).build();
	}

}

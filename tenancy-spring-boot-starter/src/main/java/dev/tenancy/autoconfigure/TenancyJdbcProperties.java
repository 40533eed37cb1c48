package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Row-level security support for the application's own tables.
 *
 * @param enabled Whether the application's transaction managers (JDBC and JPA, Boot's or
 * its own) set the current tenant on each transaction's connection, and the start-up RLS
 * check runs.
 * @param setting The PostgreSQL setting the policies read, as in
 * current_setting('app.tenant_id', true).
 * @param rlsCheck What to do at start-up when the database role could bypass row-level
 * security (superuser, BYPASSRLS, owner of a tenant table) or a tenant table lacks forced
 * RLS: fail, warn or off.
 * @param connectionTimeout How long a request waits for a pooled connection before it
 * fails with 503 database_unavailable: applied to a Hikari pool unless
 * spring.datasource.hikari.connection-timeout is set (at least 250 ms).
 * @param healthTimeout How long the db and tenant registry health components wait for the
 * database before they report it DOWN.
 */
@ConfigurationProperties("tenancy.jdbc")
public record TenancyJdbcProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("app.tenant_id") String setting, @DefaultValue("fail") RlsCheck rlsCheck,
		@DefaultValue("1s") Duration connectionTimeout, @DefaultValue("500ms") Duration healthTimeout) {

	/** The default of {@code tenancy.jdbc.connection-timeout}. */
	static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * Start-up check modes.
	 */
	public enum RlsCheck {

		/** Refuse to start. */
		FAIL,

		/** Start, and log an error. */
		WARN,

		/** Do not check. */
		OFF

	}

}

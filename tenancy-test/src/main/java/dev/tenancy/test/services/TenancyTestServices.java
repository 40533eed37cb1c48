package dev.tenancy.test.services;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the application of a Spring test context a real PostgreSQL and Redis:
 * <ol>
 * <li>when a container engine answers and Testcontainers (with
 * {@code spring-boot-testcontainers}) is on the test class path, containers started once
 * per JVM and wired as {@code @ServiceConnection}s ({@link TenancyServiceConnections});
 * <li>otherwise the servers named by {@code TENANCY_TEST_POSTGRES_URL} (a JDBC URL with
 * {@code user} and {@code password} parameters; the kit creates a fresh database on it
 * for the JVM) and {@code TENANCY_TEST_REDIS_URL} (a {@code redis://} URI), as
 * {@code spring.datasource.url} and {@code spring.data.redis.url} /
 * {@code tenancy.rate-limit.redis.url};
 * <li>with neither, the context fails to start with a message saying how to provide a
 * server. A test never skips for want of one.
 * </ol>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface TenancyTestServices {

	/**
	 * Whether the application needs PostgreSQL.
	 * @return {@code false} to leave the data source alone
	 */
	boolean postgres() default true;

	/**
	 * Whether the application needs Redis.
	 * @return {@code false} to leave Redis alone
	 */
	boolean redis() default true;

}

package dev.tenancy.test.services;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * PostgreSQL and Redis containers as Spring Boot {@code @ServiceConnection}s, for
 * machines with a container engine. {@link TenancyTestServices} imports it when an engine
 * answers; import it yourself ({@code @Import(TenancyServiceConnections.class)}) to
 * insist on containers. Needs {@code org.testcontainers:testcontainers-postgresql} and
 * {@code org.springframework.boot:spring-boot-testcontainers} in test scope.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TenancyServiceConnections {

	/** The PostgreSQL image the containers run. */
	public static final String POSTGRES_IMAGE = "postgres:16-alpine";

	/** The Redis image the containers run. */
	public static final String REDIS_IMAGE = "redis:7-alpine";

	@Bean
	@ServiceConnection
	PostgreSQLContainer tenancyPostgresContainer() {
		return new PostgreSQLContainer(POSTGRES_IMAGE);
	}

	@Bean
	@ServiceConnection(name = "redis")
	GenericContainer<?> tenancyRedisContainer() {
		return new GenericContainer<>(REDIS_IMAGE).withExposedPorts(6379);
	}

}

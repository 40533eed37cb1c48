package dev.tenancy.test.services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no container engine here, {@link TenancyTestServices} takes the servers named by
 * {@code TENANCY_TEST_POSTGRES_URL} and {@code TENANCY_TEST_REDIS_URL}: the application
 * gets the JVM's own fresh database and the Redis server as properties, and no container
 * bean.
 */
@SpringJUnitConfig(TenancyTestServicesTest.Application.class)
@TenancyTestServices
class TenancyTestServicesTest {

	@Configuration(proxyBeanMethods = false)
	static class Application {

	}

	@Autowired
	Environment environment;

	@Autowired
	ApplicationContext context;

	@Test
	void withoutAContainerEngineTheNamedServersAreTheApplicationsProperties() throws SQLException {
		assertThat(ContainerEngine.available()).as("this machine runs no container engine").isFalse();
		String url = this.environment.getProperty("spring.datasource.url");

		assertThat(url).isEqualTo(TestServices.postgres().jdbcUrl()).contains(TestServices.postgres().database());
		try (Connection connection = DriverManager.getConnection(url)) {
			assertThat(connection.isValid(5)).isTrue();
		}
		assertThat(this.environment.getProperty("spring.data.redis.url")).isEqualTo(TestServices.redisUrl());
		assertThat(this.environment.getProperty("tenancy.rate-limit.redis.url")).isEqualTo(TestServices.redisUrl());
		assertThat(this.context.getBeanNamesForType(TenancyServiceConnections.class)).isEmpty();
	}

	@Test
	void classesWithoutTheAnnotationAreLeftAlone() {
		assertThat(
				new TenancyTestServicesContextCustomizerFactory().createContextCustomizer(Application.class, List.of()))
			.isNull();
	}

	@Test
	void onlyTheServicesAskedForAreSet() {
		assertThat(TenancyTestServicesContextCustomizerFactory.ServerProperties.of(false, true))
			.containsOnlyKeys("spring.data.redis.url", "tenancy.rate-limit.redis.url");
		assertThat(TenancyTestServicesContextCustomizerFactory.ServerProperties.of(true, false))
			.containsOnlyKeys("spring.datasource.url");
	}

}

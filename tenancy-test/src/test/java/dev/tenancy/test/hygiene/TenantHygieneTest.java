package dev.tenancy.test.hygiene;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantThreadLocalAccessor;
import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;
import dev.tenancy.test.Launch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hygiene extension on fixture tests that leave tenant state behind or touch tenant
 * tables with no tenant, against a real PostgreSQL database of its own.
 */
class TenantHygieneTest {

	static ScratchDatabase database;

	@BeforeAll
	static void createTable() {
		database = Databases.scratch();
		Databases.execute(database.jdbcUrl(), "create table note (tenant_id text not null, body text)",
				"create table kind (name text)");
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@Configuration(proxyBeanMethods = false)
	static class Application {

		@Bean
		HikariDataSource dataSource() {
			return Databases.hikari(database.jdbcUrl(), 2, "hygiene");
		}

	}

	@TenantHygiene
	static class LeavesTenantInContext {

		@Test
		void leaves() {
			new TenantThreadLocalAccessor().setValue(TenantId.of("acme"));
		}

	}

	@TenantHygiene
	static class LeavesTenantInMdc {

		@Test
		void leaves() {
			MDC.put(TenantContext.MDC_KEY, "globex");
		}

	}

	@TenantHygiene
	@SpringJUnitConfig(Application.class)
	static class SpringFixtures {

		@Autowired
		DataSource dataSource;

		@Test
		void queriesATenantTableWithNoTenant() {
			JdbcClient.create(this.dataSource).sql("select * from note").query().listOfRows();
		}

		@Test
		void queriesATenantTableAsATenant() {
			TenantContext.run(TenantId.of("acme"),
					() -> JdbcClient.create(this.dataSource).sql("select * from note").query().listOfRows());
		}

		@Test
		void queriesAnotherTableWithNoTenant() {
			JdbcClient.create(this.dataSource).sql("select * from kind").query().listOfRows();
		}

		@Test
		void leavesTheSettingOnAPooledConnection() {
			JdbcClient.create(this.dataSource)
				.sql("select set_config('app.tenant_id', 'acme', false)")
				.query()
				.singleValue();
		}

	}

	@Test
	void aTenantLeftInTheContextFailsTheTestAndIsCleared() {
		TestExecutionSummary summary = Launch.run(LeavesTenantInContext.class);

		assertThat(Launch.failures(summary)).singleElement()
			.satisfies((failure) -> assertThat(failure).contains("the test left tenant acme in TenantContext"));
		assertThat(TenantContext.current()).isEmpty();
	}

	@Test
	void aTenantLeftInTheMdcFailsTheTestAndIsCleared() {
		TestExecutionSummary summary = Launch.run(LeavesTenantInMdc.class);

		assertThat(Launch.failures(summary)).singleElement()
			.satisfies((failure) -> assertThat(failure).contains("the test left tenant globex in the MDC"));
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void tenantSqlWithNoTenantAndASettingLeftOnAPooledConnectionFail() {
		TestExecutionSummary summary = Launch.run(SpringFixtures.class);

		assertThat(summary.getTestsSucceededCount()).as(Launch.failures(summary).toString()).isEqualTo(2);
		assertThat(summary.getFailures()).extracting((failure) -> failure.getTestIdentifier().getDisplayName())
			.containsExactlyInAnyOrder("queriesATenantTableWithNoTenant()", "leavesTheSettingOnAPooledConnection()");
		assertThat(Launch.failures(summary))
			.anySatisfy((failure) -> assertThat(failure)
				.contains("SQL on a tenant table ran with no tenant: [main] select * from note"))
			.anySatisfy((failure) -> assertThat(failure)
				.contains("a pooled connection of DataSource 'dataSource' still has app.tenant_id=acme"));
	}

}

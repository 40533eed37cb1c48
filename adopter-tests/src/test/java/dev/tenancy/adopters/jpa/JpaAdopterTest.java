package dev.tenancy.adopters.jpa;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import dev.tenancy.TenantId;
import dev.tenancy.adopters.AdopterDatabase;
import dev.tenancy.context.TenantContext;
import dev.tenancy.jdbc.TenantTransactionListener;
import dev.tenancy.test.Databases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A JPA application with the starter, on real PostgreSQL as a non-owner role: Boot's
 * {@code JpaTransactionManager} stays in place and carries the tenant into every
 * Hibernate transaction, so one tenant's rows are invisible, unchangeable and undeletable
 * for another, saves succeed for the current tenant, and nothing is visible or writable
 * without a tenant.
 */
@ExtendWith(OutputCaptureExtension.class)
class JpaAdopterTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static AdopterDatabase database;

	static ConfigurableApplicationContext app;

	static String startupOutput;

	@BeforeAll
	static void start(CapturedOutput output) {
		database = AdopterDatabase.create("jpa");
		app = new SpringApplicationBuilder(JpaAdopterApplication.class).web(WebApplicationType.SERVLET)
			.properties(database.properties("classpath:dev/tenancy/adopters/jpa/db", "shop").toArray(String[]::new))
			.properties("server.port=0", "tenancy.tenants.acme.display-name=Acme",
					"tenancy.tenants.globex.display-name=Globex")
			.run();
		startupOutput = output.getAll();
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (database != null) {
			database.close();
		}
	}

	BookingService service() {
		return app.getBean(BookingService.class);
	}

	BookingRepository repository() {
		return app.getBean(BookingRepository.class);
	}

	@Test
	void bootsJpaTransactionManagerIsKeptAndSetsTheTenant() {
		PlatformTransactionManager manager = app.getBean(PlatformTransactionManager.class);
		assertThat(manager).isExactlyInstanceOf(JpaTransactionManager.class);
		assertThat(((JpaTransactionManager) manager).getTransactionExecutionListeners())
			.filteredOn(TenantTransactionListener.class::isInstance)
			.hasSize(1);
	}

	@Test
	void eachTenantSeesOnlyItsOwnBookings() {
		TenantContext.run(ACME, () -> {
			service().book("acme: Lisbon");
			service().book("acme: Porto");
		});
		TenantContext.run(GLOBEX, () -> service().book("globex: Geneva"));

		assertThat(TenantContext.supply(ACME, () -> service().descriptions())).isNotEmpty()
			.allMatch((description) -> description.startsWith("acme: "))
			.contains("acme: Lisbon", "acme: Porto");
		assertThat(TenantContext.supply(GLOBEX, () -> service().descriptions())).isNotEmpty()
			.allMatch((description) -> description.startsWith("globex: "));
		// Both tenants' rows are in the table: the superuser sees past RLS.
		assertThat(superuserCount("select count(*) from shop.booking where tenant_id in ('acme', 'globex')"))
			.isGreaterThanOrEqualTo(3);
	}

	@Test
	void anotherTenantCanNeitherReadNorChangeNorDeleteABooking() {
		UUID id = TenantContext.supply(ACME, () -> service().book("acme: Faro")).getId();

		TenantContext.run(GLOBEX, () -> {
			assertThat(service().description(id)).isEmpty();
			assertThat(service().rename(id, "globex was here")).isFalse();
			assertThat(repository().rename(id, "globex was here")).isZero();
			assertThat(repository().remove(id)).isZero();
			service().cancel(id);
		});

		assertThat(TenantContext.supply(ACME, () -> service().description(id))).contains("acme: Faro");
		TenantContext.run(ACME, () -> assertThat(service().rename(id, "acme: Faro, renamed")).isTrue());
		assertThat(TenantContext.supply(ACME, () -> service().description(id))).contains("acme: Faro, renamed");
		TenantContext.run(ACME, () -> service().cancel(id));
		assertThat(TenantContext.supply(ACME, () -> service().description(id))).isEmpty();
	}

	@Test
	void savingARowForAnotherTenantIsRefusedByTheDatabase() {
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> TenantContext.run(GLOBEX, () -> repository().save(new Booking("acme", "forged"))));
		assertThat(superuserCount("select count(*) from shop.booking where description = 'forged'")).isZero();
	}

	@Test
	void withoutATenantNothingIsVisibleAndNothingCanBeWritten() {
		TenantContext.run(ACME, () -> service().book("acme: Braga"));
		assertThat(repository().findAll()).isEmpty();
		assertThat(repository().count()).isZero();
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> repository().save(new Booking("acme", "no tenant")));
	}

	@Test
	void openInViewIsNamedInOneWarningAtStartUp() {
		assertThat(startupOutput).containsOnlyOnce("JPA open-in-view is on").contains("spring.jpa.open-in-view=false");
	}

	static long superuserCount(String sql) {
		try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database.superuserUrl());
				java.sql.Statement statement = connection.createStatement();
				java.sql.ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

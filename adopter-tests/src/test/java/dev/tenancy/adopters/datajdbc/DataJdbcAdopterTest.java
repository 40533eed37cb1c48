package dev.tenancy.adopters.datajdbc;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;

import dev.tenancy.TenantId;
import dev.tenancy.adopters.AdopterDatabase;
import dev.tenancy.context.TenantContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A Spring Data JDBC application with the starter, on real PostgreSQL as a non-owner
 * role: the repository's own transactions (read-only ones included) carry the tenant.
 */
class DataJdbcAdopterTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static AdopterDatabase database;

	static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() {
		database = AdopterDatabase.create("datajdbc");
		app = new SpringApplicationBuilder(DataJdbcAdopterApplication.class).web(WebApplicationType.NONE)
			.properties(
					database.properties("classpath:dev/tenancy/adopters/datajdbc/db", "billing").toArray(String[]::new))
			.run();
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

	InvoiceRepository invoices() {
		return app.getBean(InvoiceRepository.class);
	}

	@Test
	void eachTenantSeesOnlyItsOwnInvoices() {
		TenantContext.run(ACME, () -> {
			invoices().save(Invoice.of("acme", "acme: flights"));
			invoices().save(Invoice.of("acme", "acme: hotels"));
		});
		TenantContext.run(GLOBEX, () -> invoices().save(Invoice.of("globex", "globex: trains")));

		assertThat(TenantContext.supply(ACME, () -> invoices().findAll())).isNotEmpty()
			.allMatch((invoice) -> invoice.tenantId().equals("acme"))
			.extracting(Invoice::description)
			.contains("acme: flights", "acme: hotels");
		assertThat(TenantContext.supply(GLOBEX, () -> invoices().findAll())).isNotEmpty()
			.allMatch((invoice) -> invoice.tenantId().equals("globex"));
	}

	@Test
	void anotherTenantCanNeitherReadNorChangeNorDeleteAnInvoice() {
		Invoice saved = TenantContext.supply(ACME, () -> invoices().save(Invoice.of("acme", "acme: cars")));
		UUID id = saved.id();

		TenantContext.run(GLOBEX, () -> {
			assertThat(invoices().findById(id)).isEmpty();
			assertThat(invoices().existsById(id)).isFalse();
			// The update matches no row for globex, which Spring Data JDBC reports as a
			// lost update.
			assertThatExceptionOfType(OptimisticLockingFailureException.class)
				.isThrownBy(() -> invoices().save(saved.withDescription("globex was here")));
			assertThat(invoices().remove(id)).isZero();
			invoices().deleteById(id);
		});

		assertThat(TenantContext.supply(ACME, () -> invoices().findById(id))).get()
			.extracting(Invoice::description)
			.isEqualTo("acme: cars");
		TenantContext.run(ACME, () -> invoices().save(saved.withDescription("acme: cars, renamed")));
		assertThat(TenantContext.supply(ACME, () -> invoices().findById(id))).get()
			.extracting(Invoice::description)
			.isEqualTo("acme: cars, renamed");
		TenantContext.run(ACME, () -> assertThat(invoices().remove(id)).isOne());
	}

	@Test
	void savingAnotherTenantsInvoiceIsRefusedByTheDatabase() {
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> TenantContext.run(GLOBEX, () -> invoices().save(Invoice.of("acme", "forged"))));
	}

	@Test
	void withoutATenantNothingIsVisibleAndNothingCanBeWritten() {
		TenantContext.run(ACME, () -> invoices().save(Invoice.of("acme", "acme: buses")));
		assertThat(invoices().findAll()).isEmpty();
		assertThat(invoices().count()).isZero();
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> invoices().save(Invoice.of("acme", "no tenant")));
	}

}

package dev.tenancy.adopters.jdbcclient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import dev.tenancy.TenantId;
import dev.tenancy.adopters.AdopterDatabase;
import dev.tenancy.context.TenantContext;
import dev.tenancy.jdbc.TenantTransactionListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@code JdbcClient} application with a transaction manager of its own: the starter
 * leaves the manager in place and adds the tenant to it, so {@code TransactionTemplate}
 * work is isolated.
 */
class JdbcClientAdopterTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static AdopterDatabase database;

	static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() {
		database = AdopterDatabase.create("jdbcclient");
		app = new SpringApplicationBuilder(JdbcClientAdopterApplication.class).web(WebApplicationType.NONE)
			.properties(
					database.properties("classpath:dev/tenancy/adopters/jdbcclient/db", "notes").toArray(String[]::new))
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

	NoteStore notes() {
		return app.getBean(NoteStore.class);
	}

	@Test
	void theApplicationsOwnTransactionManagerIsKeptAndSetsTheTenant() {
		assertThat(app.getBeansOfType(PlatformTransactionManager.class)).hasSize(1);
		DataSourceTransactionManager manager = app.getBean(DataSourceTransactionManager.class);
		assertThat(manager).isExactlyInstanceOf(DataSourceTransactionManager.class);
		assertThat(manager.getTransactionExecutionListeners()).singleElement()
			.isInstanceOf(TenantTransactionListener.class);
	}

	@Test
	void eachTenantSeesOnlyItsOwnNotes() {
		TenantContext.run(ACME, () -> notes().add("acme: one"));
		TenantContext.run(GLOBEX, () -> notes().add("globex: one"));
		assertThat(TenantContext.supply(ACME, () -> notes().bodies())).isNotEmpty()
			.allMatch((body) -> body.startsWith("acme: "));
		assertThat(TenantContext.supply(GLOBEX, () -> notes().bodies())).isNotEmpty()
			.allMatch((body) -> body.startsWith("globex: "));
	}

	@Test
	void anotherTenantCanNeitherChangeNorDeleteANote() {
		long id = TenantContext.supply(ACME, () -> notes().add("acme: two"));
		TenantContext.run(GLOBEX, () -> {
			assertThat(notes().update(id, "globex was here")).isZero();
			assertThat(notes().delete(id)).isZero();
		});
		assertThat(TenantContext.supply(ACME, () -> notes().bodies())).contains("acme: two");
		TenantContext.run(ACME, () -> assertThat(notes().update(id, "acme: two, renamed")).isOne());
		TenantContext.run(ACME, () -> assertThat(notes().delete(id)).isOne());
	}

	@Test
	void writingForAnotherTenantOrWithoutATenantIsRefused() {
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> TenantContext.run(GLOBEX, () -> notes().addFor("acme", "forged")));
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> notes().add("no tenant"));
	}

	@Test
	void withoutATenantOrATransactionNothingIsVisible() {
		TenantContext.run(ACME, () -> notes().add("acme: three"));
		assertThat(notes().bodies()).isEmpty();
		// Outside a transaction the setting is never there, tenant or not: still no rows.
		JdbcClient jdbc = app.getBean(JdbcClient.class);
		assertThat(TenantContext.supply(ACME, () -> jdbc.sql("select body from notes.note").query(String.class).list()))
			.isEmpty();
	}

}

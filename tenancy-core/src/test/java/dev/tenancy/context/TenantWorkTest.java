package dev.tenancy.context;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.jdbc.TenantTransactionListener;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work that is not a request runs for a tenant only when the registry knows it as active,
 * with the context, the MDC and the row-level security setting a request would have, and
 * nothing of it afterwards.
 */
class TenantWorkTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static final TenantId INITECH = TenantId.of("initech");

	static final TenantId GONE = TenantId.of("gone");

	final TenantWork work = new TenantWork(
			new InMemoryTenantRegistry(List.of(tenant(ACME, TenantStatus.ACTIVE), tenant(GLOBEX, TenantStatus.ACTIVE),
					tenant(INITECH, TenantStatus.SUSPENDED), tenant(GONE, TenantStatus.DELETED))));

	static Tenant tenant(TenantId id, TenantStatus status) {
		return new Tenant(id, null, status, null, 1);
	}

	@AfterEach
	void nothingLeaks() {
		assertThat(TenantContext.current()).isEmpty();
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void activeTenantWorkRunsWithContextAndMdcThenClears() {
		AtomicReference<String> seen = new AtomicReference<>();
		this.work.run(ACME, () -> seen.set(TenantContext.require() + "/" + MDC.get(TenantContext.MDC_KEY)));
		assertThat(seen).hasValue("acme/acme");
	}

	@Test
	void contextIsClearedWhenTheWorkThrows() {
		assertThatThrownBy(() -> this.work.run(ACME, () -> {
			throw new IllegalArgumentException("boom");
		})).hasMessage("boom");
	}

	@Test
	void suspendedUnknownAndDeletedTenantsNeverRun() {
		List<String> ran = new ArrayList<>();
		assertThatThrownBy(() -> this.work.run(INITECH, () -> ran.add("initech"))).isInstanceOfSatisfying(
				InactiveTenantException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(InactiveTenantException.Reason.SUSPENDED));
		assertThatThrownBy(() -> this.work.run(TenantId.of("nobody"), () -> ran.add("nobody"))).isInstanceOfSatisfying(
				InactiveTenantException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(InactiveTenantException.Reason.UNKNOWN));
		assertThatThrownBy(() -> this.work.supply(GONE, () -> ran.add("gone")))
			.isInstanceOf(InactiveTenantException.class);
		assertThat(ran).isEmpty();
	}

	@Test
	void nestedWorkForAnotherTenantRestoresTheOuterTenant() {
		List<String> seen = new ArrayList<>();
		this.work.run(ACME, () -> {
			this.work.run(GLOBEX, () -> seen.add(TenantContext.require().value()));
			seen.add(TenantContext.require().value());
		});
		assertThat(seen).containsExactly("globex", "acme");
	}

	@Test
	void batchRunsForEachActiveTenantAndContinuesAfterAFailure() {
		List<String> seen = new ArrayList<>();
		TenantWork.BatchReport report = this.work.forEachActiveTenant((tenant) -> {
			seen.add(tenant + "=" + TenantContext.require());
			if (tenant.equals(ACME)) {
				throw new IllegalStateException("acme's job failed");
			}
		});
		assertThat(seen).containsExactly("acme=acme", "globex=globex");
		assertThat(report.completed()).containsExactly(GLOBEX);
		assertThat(report.failed()).containsOnlyKeys(ACME);
		assertThat(report.succeeded()).isFalse();
	}

	@Test
	void transactionsInsideTenantWorkCarryTheTenantSetting() {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(),
				TestServices.postgres().jdbcUrl());
		JdbcTransactionManager manager = new JdbcTransactionManager(dataSource);
		assertThat(TenantTransactionListener.register(manager, TenantTransactionListener.DEFAULT_SETTING)).isTrue();
		TransactionTemplate transactions = new TransactionTemplate(manager);
		JdbcClient jdbc = JdbcClient.create(dataSource);
		String sql = "select coalesce(current_setting('app.tenant_id', true), '')";
		String inside = this.work.supply(GLOBEX,
				() -> transactions.execute((status) -> jdbc.sql(sql).query(String.class).single()));
		assertThat(inside).isEqualTo("globex");
		String outside = transactions.execute((status) -> jdbc.sql(sql).query(String.class).single());
		assertThat(outside).isEmpty();
	}

}

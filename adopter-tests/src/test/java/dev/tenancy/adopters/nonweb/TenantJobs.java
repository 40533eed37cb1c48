package dev.tenancy.adopters.nonweb;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.Tenant;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;

/**
 * Runs a job for every active tenant of the registry, each as that tenant.
 */
@Component
public class TenantJobs {

	private final TenantRegistry registry;

	private final Runs runs;

	TenantJobs(TenantRegistry registry, Runs runs) {
		this.registry = registry;
		this.runs = runs;
	}

	public int runForEveryTenant(String job) {
		List<Tenant> tenants = this.registry.findAll().stream().filter(Tenant::isActive).toList();
		tenants.forEach((tenant) -> TenantContext.run(tenant.id(), () -> this.runs.record(job)));
		return tenants.size();
	}

	/**
	 * The job's table.
	 */
	@Component
	public static class Runs {

		private final JdbcClient jdbc;

		Runs(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public void record(String job) {
			this.jdbc.sql("insert into jobs.run (job) values (:job)").param("job", job).update();
		}

		@Transactional(readOnly = true)
		public List<String> tenantsOfRuns() {
			return this.jdbc.sql("select tenant_id from jobs.run order by id").query(String.class).list();
		}

	}

}

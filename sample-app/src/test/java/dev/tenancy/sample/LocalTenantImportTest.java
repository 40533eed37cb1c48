package dev.tenancy.sample;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantAuditEntry;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.sample.local.LocalTenantImport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code local} profile's first start filled the empty registry with the 64 shipped
 * tenant files; later starts leave the registry alone.
 */
@LocalAppTest
class LocalTenantImportTest {

	@Autowired
	JdbcTenantRegistry registry;

	@Autowired
	LocalTenantImport localTenantImport;

	@Test
	void theShippedTenantsWereImportedOnFirstStart() {
		List<Tenant> tenants = this.registry.findAll();

		assertThat(tenants).extracting((tenant) -> tenant.id().value())
			.contains("acme", "globex", "initech", "alpine-escapes", "zephyr-sails");
		// other tests of this JVM add tenants of their own: count those the first start
		// imported
		assertThat(tenants.stream()
			.filter((tenant) -> this.registry.audit(tenant.id())
				.stream()
				.findFirst()
				.filter((entry) -> entry.action().equals("imported") && entry.actor().equals(LocalTenantImport.ACTOR))
				.isPresent())
			.count()).isEqualTo(64);
		assertThat(this.registry.find(TenantId.of("initech")).map(Tenant::status)).hasValue(TenantStatus.SUSPENDED);
		assertThat(this.registry.audit(TenantId.of("acme")).get(0)).satisfies((entry) -> {
			assertThat(entry.action()).isEqualTo("imported");
			assertThat(entry.actor()).isEqualTo(LocalTenantImport.ACTOR);
		});
	}

	@Test
	void aNonEmptyRegistryIsLeftAlone() throws Exception {
		List<TenantAuditEntry> before = this.registry.audit(TenantId.of("globex"));

		this.localTenantImport.importIfEmpty();

		assertThat(this.registry.audit(TenantId.of("globex"))).isEqualTo(before);
	}

}

package dev.tenancy.sample.tenant;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;

/**
 * The tenant the current request acts for.
 */
@RestController
public class CurrentTenantController {

	private final TenantRegistry registry;

	public CurrentTenantController(TenantRegistry registry) {
		this.registry = registry;
	}

	/**
	 * The current tenant's id, name and status.
	 * @return the tenant
	 */
	@GetMapping("/api/tenant")
	public TenantSummary currentTenant() {
		TenantId id = TenantContext.require();
		Tenant tenant = this.registry.find(id)
			.orElseThrow(() -> new IllegalStateException("Admitted tenant is no longer registered"));
		return new TenantSummary(tenant.id().value(), tenant.displayName(), tenant.status().name());
	}

	/**
	 * A tenant as the API shows it to its own users.
	 *
	 * @param id the tenant id
	 * @param name the display name
	 * @param status the lifecycle state
	 */
	public record TenantSummary(String id, String name, String status) {
	}

}

package dev.tenancy.adopters.datajdbc;

import java.util.UUID;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An invoice of one tenant; a null version marks a new one.
 *
 * @param id the id
 * @param tenantId the tenant
 * @param description what is invoiced
 * @param version the optimistic-locking version
 */
@Table(schema = "billing", name = "invoice")
public record Invoice(@Id UUID id, String tenantId, String description, @Version Integer version) {

	static Invoice of(String tenantId, String description) {
		return new Invoice(UUID.randomUUID(), tenantId, description, null);
	}

	Invoice withDescription(String description) {
		return new Invoice(this.id, this.tenantId, description, this.version);
	}

}

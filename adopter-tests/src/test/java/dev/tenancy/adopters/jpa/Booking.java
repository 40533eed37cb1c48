package dev.tenancy.adopters.jpa;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A booking of one tenant.
 */
@Entity
@Table(schema = "shop", name = "booking")
public class Booking {

	@Id
	private UUID id;

	@Column(name = "tenant_id", nullable = false, updatable = false)
	private String tenantId;

	@Column(nullable = false)
	private String description;

	protected Booking() {
	}

	public Booking(String tenantId, String description) {
		this.id = UUID.randomUUID();
		this.tenantId = tenantId;
		this.description = description;
	}

	public UUID getId() {
		return this.id;
	}

	public String getTenantId() {
		return this.tenantId;
	}

	public String getDescription() {
		return this.description;
	}

	public void setDescription(String description) {
		this.description = description;
	}

}

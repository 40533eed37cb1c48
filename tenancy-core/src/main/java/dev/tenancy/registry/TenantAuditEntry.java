package dev.tenancy.registry;

import java.time.Instant;

/**
 * One entry of a tenant's audit trail.
 *
 * @param id the entry id, increasing
 * @param tenant the tenant id
 * @param action what happened
 * @param actor who did it
 * @param at when
 * @param version the tenant's version after the change
 * @param before the tenant before, as JSON, or {@code null} for a creation
 * @param after the tenant after, as JSON
 * @param requestId the request id, or {@code null}
 */
public record TenantAuditEntry(long id, String tenant, String action, String actor, Instant at, long version,
		String before, String after, String requestId) {

}

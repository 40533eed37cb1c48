package dev.tenancy.registry;

import dev.tenancy.TenantId;

/**
 * Published after a change to a tenant has been committed.
 *
 * @param tenant the tenant
 * @param action what happened: {@code created}, {@code updated}, {@code suspended},
 * {@code resumed}, {@code deleted}, {@code imported}
 * @param version the tenant's version after the change
 */
public record TenantChangedEvent(TenantId tenant, String action, long version) {

}

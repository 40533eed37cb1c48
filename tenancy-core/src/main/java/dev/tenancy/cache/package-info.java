/**
 * Tenant-scoped Spring Cache: every key of a tenant-scoped cache carries the current
 * tenant and its cache generations, a cache call without a tenant fails, and all of a
 * tenant's entries are evicted at once by moving its generation on.
 */
package dev.tenancy.cache;

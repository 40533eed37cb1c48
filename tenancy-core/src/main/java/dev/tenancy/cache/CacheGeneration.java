package dev.tenancy.cache;

/**
 * The generations a tenant's entries of one cache are read and written under: entries of
 * older generations are never read again (and expire or are removed).
 *
 * @param tenant the tenant's generation, moved on by evicting the tenant
 * @param cache the generation of the tenant's part of one cache, moved on by clearing the
 * cache for the tenant
 */
public record CacheGeneration(long tenant, long cache) {

}

package dev.tenancy.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tenant-scoped Spring Cache.
 *
 * @param enabled Whether the application's cache managers are made tenant-scoped: every
 * entry belongs to the tenant in context, and a cache call without a tenant fails.
 * @param globalCaches Names of caches whose entries are deliberately shared by all
 * tenants (reference data that is no tenant's): used as they are, with or without a
 * tenant in context.
 * @param evictOn Tenant changes (as the registry reports them: suspended, deleted,
 * updated, resumed, created) on which all of the tenant's cache entries are evicted.
 * @param redis Generations of Redis caches.
 */
@ConfigurationProperties("tenancy.cache")
public record TenancyCacheProperties(@DefaultValue("true") boolean enabled, List<String> globalCaches, @DefaultValue( {
		"suspended", "deleted" }) List<String> evictOn, @DefaultValue Redis redis){

	public TenancyCacheProperties {
		globalCaches = (globalCaches != null) ? List.copyOf(globalCaches) : List.of();
	}

	/**
	 * Where the generations of tenants' Redis cache entries are kept (one small hash per
	 * tenant); evicting a tenant moves its generation on.
	 *
	 * @param generationKeyPrefix Prefix of each tenant's generation hash; the key is the
	 * prefix followed by {tenant}.
	 * @param generationLocalTtl How long an instance reuses generations it read from
	 * Redis: an eviction made by another instance is seen after at most this long (0:
	 * read Redis on every cache call).
	 */
	public record Redis(@DefaultValue("tenancy:cache-generations:") String generationKeyPrefix,
			@DefaultValue("1s") Duration generationLocalTtl) {

	}

}

package dev.tenancy.cache;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

import dev.tenancy.registry.TenantChangedEvent;

/**
 * Evicts all of a tenant's cache entries when the registry reports one of the given
 * changes (by default its suspension or deletion), so a tenant that comes back starts
 * from nothing and a deleted tenant's data does not linger in caches. The registry
 * publishes its events on the instance that made the change (an application event whose
 * payload is the {@link TenantChangedEvent}); generations in Redis make that one eviction
 * seen by every instance.
 */
public final class TenantCacheEvictionListener implements Consumer<TenantChangedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(TenantCacheEvictionListener.class);

	private final TenantCaches caches;

	private final Set<String> actions;

	/**
	 * Create a listener.
	 * @param caches the application's tenant-scoped caches
	 * @param actions the {@link TenantChangedEvent#action() actions} that evict, such as
	 * {@code suspended} and {@code deleted}
	 */
	public TenantCacheEvictionListener(TenantCaches caches, Set<String> actions) {
		this.caches = caches;
		this.actions = Set.copyOf(actions);
	}

	@Override
	public void accept(TenantChangedEvent event) {
		if (!this.actions.contains(event.action())) {
			return;
		}
		try {
			this.caches.evict(event.tenant());
		}
		catch (RuntimeException ex) {
			// the change itself is committed; the entries expire with their time-to-live
			logger.warn("Could not evict the cache entries of tenant {} after '{}'", event.tenant(), event.action(),
					ex);
		}
	}

}

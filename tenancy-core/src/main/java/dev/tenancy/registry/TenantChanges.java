package dev.tenancy.registry;

import java.util.List;

/**
 * A page of the registry's change feed: what changed after a cursor, oldest first.
 * Services that cache tenants follow it to catch up on changes they missed (the config
 * server serves it as {@code GET /tenants/changes}).
 *
 * @param changes the changes, oldest first
 * @param cursor the cursor of the last change in this page, or the cursor asked for when
 * there is none; ask for the changes after it next
 */
public record TenantChanges(List<Change> changes, long cursor) {

	public TenantChanges {
		changes = List.copyOf(changes);
	}

	/**
	 * One change.
	 *
	 * @param cursor where this change is in the feed, increasing
	 * @param tenant the tenant id
	 * @param action what happened ({@code created}, {@code updated}, {@code suspended},
	 * ...)
	 * @param version the tenant's version after the change
	 */
	public record Change(long cursor, String tenant, String action, long version) {

	}

}

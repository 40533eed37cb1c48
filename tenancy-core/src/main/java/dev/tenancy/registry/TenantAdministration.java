package dev.tenancy.registry;

import java.util.List;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;

/**
 * Writes to the registry, each audited and announced to every instance. Every method is
 * one transaction: it happens completely or not at all.
 */
public interface TenantAdministration {

	/**
	 * Create a tenant, active.
	 * @param id the id
	 * @param displayName the display name
	 * @param config the configuration, validated
	 * @param change who and which request
	 * @return the tenant, version 0
	 * @throws TenantRegistryException.AlreadyExists if the id is taken (also by a deleted
	 * tenant)
	 * @throws InvalidTenantConfigException if the id is
	 * {@linkplain dev.tenancy.ReservedTenantIds reserved} or a text breaks
	 * {@link StoredText}'s rule
	 * @throws TenantRegistryException.EmailDomainTaken if another tenant owns one of the
	 * configuration's e-mail domains (nothing is written)
	 */
	Tenant create(TenantId id, String displayName, TenantConfig config, TenantChange change);

	/**
	 * Replace a tenant's display name and configuration.
	 * @param id the id
	 * @param expectedVersion the version the caller read
	 * @param displayName the display name
	 * @param config the configuration, validated
	 * @param change who and which request
	 * @return the tenant with its new version
	 * @throws TenantRegistryException.StaleVersion if the tenant changed since it was
	 * read
	 * @throws TenantRegistryException.NotFound if it does not exist
	 * @throws TenantRegistryException.EmailDomainTaken if another tenant owns one of the
	 * configuration's e-mail domains (nothing is changed)
	 */
	Tenant update(TenantId id, long expectedVersion, String displayName, TenantConfig config, TenantChange change);

	/**
	 * Move a tenant to another lifecycle state. A deleted tenant gives up its e-mail
	 * domains (another tenant may then claim them) and its secrets.
	 * @param id the id
	 * @param target the new state
	 * @param expectedVersion the version the caller read, or {@code null} for any
	 * @param change who and which request
	 * @return the tenant with its new version
	 * @throws TenantRegistryException.InvalidTransition if the transition is not allowed
	 */
	Tenant changeStatus(TenantId id, TenantStatus target, Long expectedVersion, TenantChange change);

	/**
	 * A page of tenants.
	 * @param status only this state, or {@code null} for all but deleted
	 * @param page the page, from 0
	 * @param size the page size
	 * @return the page
	 */
	TenantPage list(TenantStatus status, int page, int size);

	/**
	 * A tenant's audit trail, oldest first.
	 * @param id the id
	 * @return the entries
	 */
	List<TenantAuditEntry> audit(TenantId id);

	/**
	 * A page of tenants.
	 * @param content the tenants
	 * @param page the page number
	 * @param size the page size
	 * @param total how many match in all
	 */
	/**
	 * The change feed: the registry's changes after a cursor, oldest first, from the
	 * audit trail. It lives with the writes because only a registry that is written to
	 * has changes to tell; read-only sources (properties, files, a remote registry) have
	 * none.
	 * @param cursor the cursor of the last change already seen, {@code 0} for all
	 * @param limit at most this many changes, 1 or more
	 * @return the changes
	 * @throws IllegalArgumentException if the cursor is negative or the limit below 1
	 * @throws TenantRegistryUnavailableException when the registry cannot answer
	 */
	TenantChanges changesAfter(long cursor, int limit);

	/**
	 * The cursor of the latest change, where a follower that needs no history starts.
	 * @return the cursor, {@code 0} when nothing has changed yet
	 * @throws TenantRegistryUnavailableException when the registry cannot answer
	 */
	long latestChange();

	record TenantPage(List<Tenant> content, int page, int size, long total) {

	}

}

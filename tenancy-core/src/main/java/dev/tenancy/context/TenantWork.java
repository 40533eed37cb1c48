package dev.tenancy.context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantRegistry;

/**
 * Runs work that does not arrive as an HTTP request (a scheduled job, a queue message, a
 * batch over all tenants) for one tenant, exactly as a request would: the tenant is
 * looked up in the registry and must be {@link TenantStatus#ACTIVE active}; it is then
 * put in {@link TenantContext} (and so the log MDC, context-propagation to executors, and
 * the row-level security setting of every transaction begun inside, which
 * {@code dev.tenancy.jdbc.TenantTransactionListener} reads from the context per
 * transaction), and removed in {@code finally}, whatever the work does.
 * <p>
 * An unknown, deleted or suspended tenant gets an {@link InactiveTenantException} and the
 * work never runs; a registry that cannot answer throws its
 * {@code TenantRegistryUnavailableException}, so callers can retry later.
 */
public final class TenantWork {

	private static final Logger logger = LoggerFactory.getLogger(TenantWork.class);

	private final TenantRegistry registry;

	/**
	 * Work for the tenants of one registry.
	 * @param registry where tenants are checked
	 */
	public TenantWork(TenantRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	/**
	 * Check that a tenant may be acted for.
	 * @param tenant the tenant
	 * @return the tenant as the registry knows it, active
	 * @throws InactiveTenantException when it is unknown, deleted or suspended
	 */
	public Tenant verify(TenantId tenant) {
		Objects.requireNonNull(tenant, "tenant");
		Tenant found = this.registry.find(tenant)
			.filter((candidate) -> candidate.status() != TenantStatus.DELETED)
			.orElseThrow(() -> new InactiveTenantException(tenant, InactiveTenantException.Reason.UNKNOWN));
		if (!found.isActive()) {
			throw new InactiveTenantException(tenant, InactiveTenantException.Reason.SUSPENDED);
		}
		return found;
	}

	/**
	 * Run work as an active tenant.
	 * @param tenant the tenant
	 * @param work the work
	 * @throws InactiveTenantException when the tenant may not be acted for
	 */
	public void run(TenantId tenant, Runnable work) {
		verify(tenant);
		TenantContext.run(tenant, work);
	}

	/**
	 * Call work as an active tenant.
	 * @param <T> the result type
	 * @param tenant the tenant
	 * @param work the work
	 * @return the work's result
	 * @throws InactiveTenantException when the tenant may not be acted for
	 * @throws Exception whatever the work throws
	 */
	public <T> T call(TenantId tenant, Callable<T> work) throws Exception {
		verify(tenant);
		return TenantContext.call(tenant, work);
	}

	/**
	 * Get a value as an active tenant.
	 * @param <T> the result type
	 * @param tenant the tenant
	 * @param work the work
	 * @return the work's result
	 * @throws InactiveTenantException when the tenant may not be acted for
	 */
	public <T> T supply(TenantId tenant, Supplier<T> work) {
		verify(tenant);
		return TenantContext.supply(tenant, work);
	}

	/**
	 * Run work once for every active tenant, one after another, each in its own tenant
	 * scope. A failure for one tenant is logged and reported, and does not stop the
	 * others; a tenant suspended between the listing and its turn is skipped.
	 * @param work the work, given the tenant it runs for
	 * @return which tenants it ran for and which failed
	 * @throws dev.tenancy.registry.TenantRegistryUnavailableException when the registry
	 * cannot list the tenants
	 */
	public BatchReport forEachActiveTenant(Consumer<TenantId> work) {
		Objects.requireNonNull(work, "work");
		List<TenantId> completed = new ArrayList<>();
		List<TenantId> skipped = new ArrayList<>();
		Map<TenantId, RuntimeException> failed = new LinkedHashMap<>();
		for (Tenant listed : this.registry.findAll()) {
			if (!listed.isActive()) {
				continue;
			}
			TenantId tenant = listed.id();
			try {
				run(tenant, () -> work.accept(tenant));
				completed.add(tenant);
			}
			catch (InactiveTenantException ex) {
				skipped.add(tenant);
			}
			catch (RuntimeException ex) {
				logger.error("Work for tenant {} failed; the other tenants continue", tenant, ex);
				failed.put(tenant, ex);
			}
		}
		return new BatchReport(completed, skipped, failed);
	}

	/**
	 * What a run over all active tenants did.
	 *
	 * @param completed the tenants the work completed for, in order
	 * @param skipped the tenants that were no longer active at their turn
	 * @param failed the tenants the work threw for, with what it threw
	 */
	public record BatchReport(List<TenantId> completed, List<TenantId> skipped,
			Map<TenantId, RuntimeException> failed) {

		public BatchReport {
			completed = List.copyOf(completed);
			skipped = List.copyOf(skipped);
			failed = Map.copyOf(failed);
		}

		/**
		 * @return whether the work completed for every tenant it ran for
		 */
		public boolean succeeded() {
			return this.failed.isEmpty();
		}

	}

}

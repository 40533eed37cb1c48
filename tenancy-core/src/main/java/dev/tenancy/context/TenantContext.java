package dev.tenancy.context;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.slf4j.MDC;

import dev.tenancy.TenantId;

/**
 * The tenant the current thread acts for.
 * <p>
 * Only scoped changes are offered: {@link #run} and {@link #call} always restore the
 * previous state, even when the work throws, so a pooled thread never keeps a tenant
 * after its task. The tenant is mirrored into the SLF4J MDC under {@value #MDC_KEY}. The
 * holder is a plain {@link ThreadLocal}, never an inheritable one: other threads get the
 * tenant only through context-propagation ({@link TenantThreadLocalAccessor}), which
 * captures and restores it explicitly.
 */
public final class TenantContext {

	/** MDC key under which the current tenant id is logged. */
	public static final String MDC_KEY = "tenant_id";

	private static final ThreadLocal<TenantId> CURRENT = new ThreadLocal<>();

	private TenantContext() {
	}

	/**
	 * The tenant of the current thread.
	 * @return the tenant, or empty outside any tenant scope
	 */
	public static Optional<TenantId> current() {
		return Optional.ofNullable(CURRENT.get());
	}

	/**
	 * The tenant of the current thread, which must be set.
	 * @return the tenant
	 * @throws IllegalStateException outside any tenant scope
	 */
	public static TenantId require() {
		TenantId tenant = CURRENT.get();
		if (tenant == null) {
			throw new IllegalStateException("No tenant in context");
		}
		return tenant;
	}

	/**
	 * Run work as a tenant, restoring the previous tenant afterwards.
	 * @param tenant the tenant, or {@code null} to run with no tenant
	 * @param work the work
	 */
	public static void run(TenantId tenant, Runnable work) {
		TenantId previous = set(tenant);
		try {
			work.run();
		}
		finally {
			set(previous);
		}
	}

	/**
	 * Call work as a tenant, restoring the previous tenant afterwards.
	 * @param <T> the result type
	 * @param tenant the tenant, or {@code null} to call with no tenant
	 * @param work the work
	 * @return the work's result
	 * @throws Exception whatever the work throws
	 */
	public static <T> T call(TenantId tenant, Callable<T> work) throws Exception {
		TenantId previous = set(tenant);
		try {
			return work.call();
		}
		finally {
			set(previous);
		}
	}

	/**
	 * Get a value as a tenant, restoring the previous tenant afterwards.
	 * @param <T> the result type
	 * @param tenant the tenant, or {@code null}
	 * @param work the work
	 * @return the work's result
	 */
	public static <T> T supply(TenantId tenant, Supplier<T> work) {
		TenantId previous = set(tenant);
		try {
			return work.get();
		}
		finally {
			set(previous);
		}
	}

	/**
	 * Set or clear the tenant and its MDC entry. Package-private: callers outside use the
	 * scoped methods, the accessor restores through this.
	 * @param tenant the new tenant, or {@code null} to clear
	 * @return the tenant that was current before
	 */
	static TenantId set(TenantId tenant) {
		TenantId previous = CURRENT.get();
		if (tenant == null) {
			CURRENT.remove();
			MDC.remove(MDC_KEY);
		}
		else {
			CURRENT.set(tenant);
			MDC.put(MDC_KEY, tenant.value());
		}
		return previous;
	}

}

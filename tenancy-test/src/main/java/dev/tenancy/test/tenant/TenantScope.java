package dev.tenancy.test.tenant;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantThreadLocalAccessor;

/**
 * A {@link TenantContext} scope for tests, opened and closed on the same thread, for
 * steps that do not fit in a lambda ({@link TenantContext#run} is the one to use in
 * application code). Closing restores whatever tenant (or none) was current before. <pre>
 * try (TenantScope scope = TenantScope.enter("acme")) {
 *     trips.create(...);
 * }
 * </pre>
 */
public final class TenantScope implements AutoCloseable {

	private static final TenantThreadLocalAccessor accessor = new TenantThreadLocalAccessor();

	private final TenantId previous;

	private final Thread owner;

	private boolean closed;

	private TenantScope(TenantId tenant) {
		this.previous = accessor.getValue();
		this.owner = Thread.currentThread();
		accessor.setValue(tenant);
	}

	/**
	 * Act as a tenant until the scope closes.
	 * @param tenant the tenant id
	 * @return the scope to close
	 */
	public static TenantScope enter(String tenant) {
		return enter(TenantId.of(tenant));
	}

	/**
	 * Act as a tenant until the scope closes.
	 * @param tenant the tenant
	 * @return the scope to close
	 */
	public static TenantScope enter(TenantId tenant) {
		return new TenantScope(tenant);
	}

	/**
	 * Act as no tenant at all until the scope closes (as a scheduled job does).
	 * @return the scope to close
	 */
	public static TenantScope none() {
		return new TenantScope(null);
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		if (Thread.currentThread() != this.owner) {
			throw new IllegalStateException("A tenant scope must be closed on the thread that opened it ("
					+ this.owner.getName() + "), not on " + Thread.currentThread().getName());
		}
		this.closed = true;
		accessor.restore(this.previous);
	}

}

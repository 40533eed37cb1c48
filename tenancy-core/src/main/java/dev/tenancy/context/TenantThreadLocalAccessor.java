package dev.tenancy.context;

import io.micrometer.context.ThreadLocalAccessor;

import dev.tenancy.TenantId;

/**
 * Lets Micrometer context-propagation carry the current tenant to other threads:
 * executors wrapped with {@code ContextExecutorService}, Spring's
 * {@code ContextPropagatingTaskDecorator} (hence {@code @Async}), Reactor and virtual
 * threads started through such executors. Registered through {@code META-INF/services},
 * so {@code ContextRegistry.getInstance()} finds it.
 */
public final class TenantThreadLocalAccessor implements ThreadLocalAccessor<TenantId> {

	/** Key of the tenant in a context snapshot. */
	public static final String KEY = "dev.tenancy.tenant";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public TenantId getValue() {
		return TenantContext.current().orElse(null);
	}

	@Override
	public void setValue(TenantId value) {
		TenantContext.set(value);
	}

	@Override
	public void setValue() {
		TenantContext.set(null);
	}

	@Override
	public void restore(TenantId previousValue) {
		TenantContext.set(previousValue);
	}

	@Override
	public void restore() {
		TenantContext.set(null);
	}

}

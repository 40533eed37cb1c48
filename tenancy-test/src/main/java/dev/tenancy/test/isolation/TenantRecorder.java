package dev.tenancy.test.isolation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tenancy.context.TenantContext;

/**
 * Records the tenant each handled message ran as: call {@link #record()} from a message
 * listener (a test listener, a spy, or a hook of the real one). {@link ListenerProbe}
 * reads it. Thread-safe.
 */
public final class TenantRecorder {

	/** What {@link #seen()} holds for a message handled with no tenant at all. */
	public static final String NONE = "(none)";

	private final List<String> seen = new CopyOnWriteArrayList<>();

	/**
	 * Record the tenant of the current thread ({@link #NONE} when there is none).
	 */
	public void record() {
		this.seen.add(TenantContext.current().map((tenant) -> tenant.value()).orElse(NONE));
	}

	/**
	 * The tenants seen so far, in order.
	 * @return tenant ids
	 */
	public List<String> seen() {
		return List.copyOf(this.seen);
	}

	/** Forget what was seen. */
	public void clear() {
		this.seen.clear();
	}

}

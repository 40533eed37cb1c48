package dev.tenancy.context;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextScheduledExecutorService;
import io.micrometer.context.ContextSnapshotFactory;

/**
 * Wraps executors so that each task runs with the tenant (and every other registered
 * context-propagation value) of the thread that submitted it, and with nothing else.
 */
public final class TenantContextExecutors {

	/**
	 * Values missing from a snapshot are cleared while the task runs: a task submitted
	 * without a tenant must not see the tenant of whatever thread happens to run it.
	 */
	private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().clearMissing(true).build();

	private TenantContextExecutors() {
	}

	/**
	 * Wrap an executor service.
	 * @param executor the executor to wrap
	 * @return an executor that propagates the submitting thread's context
	 */
	public static ExecutorService wrap(ExecutorService executor) {
		return ContextExecutorService.wrap(executor, SNAPSHOTS::captureAll);
	}

	/**
	 * Wrap a scheduled executor service.
	 * @param executor the executor to wrap
	 * @return an executor that propagates the submitting thread's context
	 */
	public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
		return ContextScheduledExecutorService.wrap(executor, SNAPSHOTS::captureAll);
	}

}

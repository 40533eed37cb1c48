package dev.tenancy.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The context-hygiene requirement: tasks for acme, globex and no tenant,
 * interleaved on shared threads, each see exactly their own tenant (and MDC), never
 * another's.
 */
class TenantContextHygieneTest {

	private static final int TASKS = 10_000;

	private static final TenantId ACME = TenantId.of("acme");

	private static final TenantId GLOBEX = TenantId.of("globex");

	/** Round robin: acme, globex, none. */
	private static TenantId tenantFor(int i) {
		return switch (i % 3) {
			case 0 -> ACME;
			case 1 -> GLOBEX;
			default -> null;
		};
	}

	private final List<ExecutorService> executors = new ArrayList<>();

	@AfterEach
	void shutDown() throws InterruptedException {
		for (ExecutorService executor : this.executors) {
			executor.shutdownNow();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(TenantContext.current()).isEmpty();
		MDC.clear();
	}

	private ExecutorService track(ExecutorService executor) {
		this.executors.add(executor);
		return executor;
	}

	/** What a task saw. */
	record Seen(int index, TenantId expected, TenantId tenant, String mdc) {

		boolean leaked() {
			String expectedMdc = (this.expected != null) ? this.expected.value() : null;
			return !Objects.equals(this.expected, this.tenant) || !Objects.equals(expectedMdc, this.mdc);
		}

	}

	private static Seen observe(int index, TenantId expected) {
		Seen seen = new Seen(index, expected, TenantContext.current().orElse(null), MDC.get(TenantContext.MDC_KEY));
		// Some tasks open a nested scope for another tenant; the task's own tenant must
		// come back.
		if (index % 7 == 0) {
			TenantContext.run((expected == ACME) ? GLOBEX : ACME, () -> {
			});
			Seen after = new Seen(index, expected, TenantContext.current().orElse(null),
					MDC.get(TenantContext.MDC_KEY));
			if (after.leaked()) {
				return after;
			}
		}
		return seen;
	}

	private static void assertNoLeaks(List<Seen> seen) {
		assertThat(seen).hasSize(TASKS);
		assertThat(seen).filteredOn(Seen::leaked).as("tasks that saw a tenant not theirs").isEmpty();
		// Propagation really happened (a test without it would fail above, but be
		// explicit).
		assertThat(seen).filteredOn((s) -> ACME.equals(s.tenant())).hasSize((TASKS + 2) / 3);
		assertThat(seen).filteredOn((s) -> GLOBEX.equals(s.tenant())).hasSize((TASKS + 1) / 3);
		assertThat(seen).filteredOn((s) -> s.tenant() == null).hasSize(TASKS / 3);
	}

	private List<Seen> submitInterleaved(ExecutorService executor) throws Exception {
		List<Future<Seen>> futures = new ArrayList<>(TASKS);
		for (int i = 0; i < TASKS; i++) {
			int index = i;
			TenantId tenant = tenantFor(i);
			TenantContext.run(tenant, () -> futures.add(executor.submit(() -> observe(index, tenant))));
		}
		List<Seen> seen = new ArrayList<>(TASKS);
		for (Future<Seen> future : futures) {
			seen.add(future.get(30, TimeUnit.SECONDS));
		}
		return seen;
	}

	@Test
	void singleThreadExecutorKeepsEveryTaskToItsTenant() throws Exception {
		ExecutorService executor = track(TenantContextExecutors.wrap(Executors.newSingleThreadExecutor()));
		assertNoLeaks(submitInterleaved(executor));
		assertThat(executor.submit(() -> TenantContext.current()).get()).isEmpty();
	}

	@Test
	void runnablesAndExecuteAreWrappedToo() throws Exception {
		ExecutorService executor = track(TenantContextExecutors.wrap(Executors.newSingleThreadExecutor()));
		List<Seen> seen = java.util.Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(TASKS);
		for (int i = 0; i < TASKS; i++) {
			int index = i;
			TenantId tenant = tenantFor(i);
			TenantContext.run(tenant, () -> executor.execute(() -> {
				seen.add(observe(index, tenant));
				done.countDown();
			}));
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertNoLeaks(seen);
	}

	@Test
	void concurrentSubmittersShareOneThreadWithoutLeaks() throws Exception {
		ExecutorService executor = track(TenantContextExecutors.wrap(Executors.newSingleThreadExecutor()));
		ExecutorService submitters = track(Executors.newFixedThreadPool(3));
		List<Future<List<Future<Seen>>>> batches = new ArrayList<>();
		for (int s = 0; s < 3; s++) {
			TenantId tenant = tenantFor(s);
			int offset = s;
			batches.add(submitters.submit(() -> TenantContext.call(tenant, () -> {
				List<Future<Seen>> futures = new ArrayList<>();
				for (int i = offset; i < TASKS; i += 3) {
					int index = i;
					futures.add(executor.submit(() -> observe(index, tenant)));
				}
				return futures;
			})));
		}
		List<Seen> seen = new ArrayList<>();
		for (Future<List<Future<Seen>>> batch : batches) {
			for (Future<Seen> future : batch.get(30, TimeUnit.SECONDS)) {
				seen.add(future.get(30, TimeUnit.SECONDS));
			}
		}
		assertNoLeaks(seen);
	}

	@Test
	void virtualThreadsKeepEveryTaskToItsTenant() throws Exception {
		ExecutorService executor = track(TenantContextExecutors.wrap(Executors.newVirtualThreadPerTaskExecutor()));
		List<Seen> seen = submitInterleaved(executor);
		assertNoLeaks(seen);
	}

	@Test
	void completableFuturesKeepEveryTaskToItsTenant() throws Exception {
		ExecutorService executor = track(TenantContextExecutors.wrap(Executors.newSingleThreadExecutor()));
		List<CompletableFuture<Seen>> futures = new ArrayList<>(TASKS);
		for (int i = 0; i < TASKS; i++) {
			int index = i;
			TenantId tenant = tenantFor(i);
			TenantContext.run(tenant,
					() -> futures.add(CompletableFuture.supplyAsync(() -> observe(index, tenant), executor)));
		}
		List<Seen> seen = new ArrayList<>(TASKS);
		for (CompletableFuture<Seen> future : futures) {
			seen.add(future.get(30, TimeUnit.SECONDS));
		}
		assertNoLeaks(seen);
	}

	@Test
	void completableFutureOnVirtualThreads() throws Exception {
		ExecutorService executor = track(TenantContextExecutors.wrap(Executors.newVirtualThreadPerTaskExecutor()));
		List<CompletableFuture<Seen>> futures = new ArrayList<>(TASKS);
		for (int i = 0; i < TASKS; i++) {
			int index = i;
			TenantId tenant = tenantFor(i);
			TenantContext.run(tenant,
					() -> futures.add(CompletableFuture.supplyAsync(() -> observe(index, tenant), executor)));
		}
		List<Seen> seen = new ArrayList<>(TASKS);
		for (CompletableFuture<Seen> future : futures) {
			seen.add(future.get(30, TimeUnit.SECONDS));
		}
		assertNoLeaks(seen);
	}

	@Test
	void scheduledExecutorIsWrappedToo() throws Exception {
		var scheduler = TenantContextExecutors.wrap(Executors.newSingleThreadScheduledExecutor());
		track(scheduler);
		Future<Optional<TenantId>> acme = TenantContext.call(ACME,
				() -> scheduler.schedule(TenantContext::current, 1, TimeUnit.MILLISECONDS));
		Future<Optional<TenantId>> none = scheduler.schedule(TenantContext::current, 2, TimeUnit.MILLISECONDS);
		assertThat(acme.get(10, TimeUnit.SECONDS)).contains(ACME);
		assertThat(none.get(10, TimeUnit.SECONDS)).isEmpty();
	}

	@Test
	void unwrappedExecutorNeverSeesATenant() throws Exception {
		// The worker thread is created inside the acme scope, by the first submit: an
		// InheritableThreadLocal would hand it acme.
		AtomicReference<ExecutorService> created = new AtomicReference<>();
		AtomicReference<Future<Optional<TenantId>>> first = new AtomicReference<>();
		AtomicReference<Future<String>> firstMdc = new AtomicReference<>();
		TenantContext.run(ACME, () -> {
			ExecutorService executor = track(Executors.newSingleThreadExecutor());
			created.set(executor);
			first.set(executor.submit(TenantContext::current));
			firstMdc.set(executor.submit(() -> MDC.get(TenantContext.MDC_KEY)));
		});
		assertThat(first.get().get(10, TimeUnit.SECONDS)).as("thread created inside a tenant scope").isEmpty();
		assertThat(firstMdc.get().get(10, TimeUnit.SECONDS)).isNull();

		ExecutorService executor = created.get();
		// A task that works as a tenant on the pooled thread...
		assertThat(executor.submit(() -> TenantContext.call(GLOBEX, () -> TenantContext.require())).get())
			.isEqualTo(GLOBEX);
		// ...and one that fails as a tenant...
		Future<?> failing = executor.submit(() -> TenantContext.run(ACME, () -> {
			throw new IllegalStateException("task failed");
		}));
		assertThat(failing).failsWithin(10, TimeUnit.SECONDS);
		// ...leave nothing behind for the next task on the same thread.
		assertThat(executor.submit(TenantContext::current).get()).isEmpty();
		assertThat(executor.submit(() -> MDC.get(TenantContext.MDC_KEY)).get()).isNull();
	}

	@Test
	void threadsStartedInsideATenantScopeDoNotInheritIt() throws Exception {
		AtomicReference<Optional<TenantId>> platform = new AtomicReference<>();
		AtomicReference<Optional<TenantId>> virtual = new AtomicReference<>();
		AtomicReference<String> platformMdc = new AtomicReference<>("not run");
		TenantContext.run(ACME, () -> {
			Thread p = new Thread(() -> {
				platform.set(TenantContext.current());
				platformMdc.set(MDC.get(TenantContext.MDC_KEY));
			});
			Thread v = Thread.ofVirtual().unstarted(() -> virtual.set(TenantContext.current()));
			p.start();
			v.start();
			try {
				p.join(10_000);
				v.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(platform.get()).isEmpty();
		assertThat(virtual.get()).isEmpty();
		assertThat(platformMdc.get()).isNull();
	}

	@Test
	void taskSubmittedWithoutTenantRunsWithoutTenantEvenOnAThreadThatHasOne() throws Exception {
		// A delegate that only queues tasks: they are run later by a thread that is
		// itself inside a
		// tenant scope, as when a worker thread helps with queued work while it waits
		// (ForkJoinPool).
		QueueingExecutorService queue = new QueueingExecutorService();
		ExecutorService executor = TenantContextExecutors.wrap(queue);
		AtomicReference<Optional<TenantId>> noTenantTask = new AtomicReference<>();
		AtomicReference<String> noTenantMdc = new AtomicReference<>("not run");
		AtomicReference<Optional<TenantId>> globexTask = new AtomicReference<>();
		executor.execute(() -> {
			noTenantTask.set(TenantContext.current());
			noTenantMdc.set(MDC.get(TenantContext.MDC_KEY));
		});
		TenantContext.run(GLOBEX, () -> executor.execute(() -> globexTask.set(TenantContext.current())));
		TenantContext.run(ACME, () -> {
			queue.runAll();
			assertThat(TenantContext.current()).contains(ACME);
			assertThat(MDC.get(TenantContext.MDC_KEY)).isEqualTo("acme");
		});
		assertThat(noTenantTask.get()).as("task submitted without a tenant").isEmpty();
		assertThat(noTenantMdc.get()).isNull();
		assertThat(globexTask.get()).contains(GLOBEX);
	}

	/** Queues tasks until {@link #runAll()}. */
	static final class QueueingExecutorService extends AbstractExecutorService {

		private final List<Runnable> tasks = new ArrayList<>();

		void runAll() {
			List<Runnable> pending = new ArrayList<>(this.tasks);
			this.tasks.clear();
			pending.forEach(Runnable::run);
		}

		@Override
		public void execute(Runnable command) {
			this.tasks.add(command);
		}

		@Override
		public void shutdown() {
		}

		@Override
		public List<Runnable> shutdownNow() {
			return List.of();
		}

		@Override
		public boolean isShutdown() {
			return false;
		}

		@Override
		public boolean isTerminated() {
			return false;
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) {
			return true;
		}

	}

}

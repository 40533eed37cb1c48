package dev.tenancy.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.AsyncTaskExecutor;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.sample.async.TenantEcho;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant travels to {@code @Async} methods and to the application task executor, and
 * only there: thousands of interleaved calls for acme, globex and no tenant each see
 * exactly their own.
 */
abstract class AsyncContextPropagationTests {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static final int CALLERS = 4;

	static final int CALLS_PER_CALLER = 900;

	@Autowired
	TenantEcho echo;

	@Autowired
	@Qualifier("applicationTaskExecutor")
	AsyncTaskExecutor executor;

	static TenantId tenantFor(int call) {
		return switch (call % 3) {
			case 0 -> ACME;
			case 1 -> GLOBEX;
			default -> null;
		};
	}

	record Call(TenantId expected, CompletableFuture<Optional<String>> seen) {
	}

	@Test
	void asyncMethodsSeeExactlyTheCallersTenant() throws Exception {
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		try {
			List<Future<List<Call>>> batches = new ArrayList<>();
			for (int caller = 0; caller < CALLERS; caller++) {
				int offset = caller;
				batches.add(callers.submit(() -> {
					List<Call> calls = new ArrayList<>();
					for (int i = 0; i < CALLS_PER_CALLER; i++) {
						TenantId tenant = tenantFor(i + offset);
						calls.add(new Call(tenant, TenantContext.call(tenant, this.echo::currentTenantAsync)));
					}
					// Scopes restore the caller's state.
					assertThat(TenantContext.current()).isEmpty();
					return calls;
				}));
			}
			List<Call> all = new ArrayList<>();
			for (Future<List<Call>> batch : batches) {
				all.addAll(batch.get(60, TimeUnit.SECONDS));
			}

			assertThat(all).hasSize(CALLERS * CALLS_PER_CALLER);
			long wrong = 0;
			for (Call call : all) {
				Optional<String> seen = call.seen().get(60, TimeUnit.SECONDS);
				Optional<String> expected = Optional.ofNullable(call.expected()).map(TenantId::value);
				if (!seen.equals(expected)) {
					wrong++;
				}
			}
			assertThat(wrong).as("calls that saw a tenant not theirs").isZero();
			assertThat(all.stream().filter((call) -> call.expected() == null).count()).isGreaterThanOrEqualTo(1000);
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void executorTasksSeeExactlyTheSubmittersTenant() throws Exception {
		List<Future<Optional<TenantId>>> futures = new ArrayList<>();
		List<TenantId> expected = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			TenantId tenant = tenantFor(i);
			expected.add(tenant);
			futures.add(TenantContext.call(tenant, () -> this.executor.submit(TenantContext::current)));
		}
		for (int i = 0; i < futures.size(); i++) {
			assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).as("task %d", i)
				.isEqualTo(Optional.ofNullable(expected.get(i)));
		}
	}

	@Test
	void workerThreadsKeepNoTenantAfterATask() throws Exception {
		for (int i = 0; i < 200; i++) {
			TenantContext.call(ACME, () -> this.echo.currentTenantAsync()).get(10, TimeUnit.SECONDS);
			assertThat(this.echo.currentTenantAsync().get(10, TimeUnit.SECONDS)).isEmpty();
		}
	}

}

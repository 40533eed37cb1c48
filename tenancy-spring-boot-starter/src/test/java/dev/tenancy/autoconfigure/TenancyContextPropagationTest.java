package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Context hygiene through {@code @Async}: the starter's task decorator carries the
 * caller's tenant to the application task executor, on platform threads and on virtual
 * threads, and nothing else.
 */
class TenancyContextPropagationTest {

	private static final int TASKS = 10_000;

	private static final TenantId ACME = TenantId.of("acme");

	private static final TenantId GLOBEX = TenantId.of("globex");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyContextPropagationAutoConfiguration.class,
				TaskExecutionAutoConfiguration.class))
		.withUserConfiguration(AsyncConfiguration.class);

	@AfterEach
	void clean() {
		assertThat(TenantContext.current()).isEmpty();
		MDC.clear();
	}

	private static TenantId tenantFor(int i) {
		return switch (i % 3) {
			case 0 -> ACME;
			case 1 -> GLOBEX;
			default -> null;
		};
	}

	record Seen(TenantId expected, TenantId tenant, String mdc, boolean virtual, String thread) {

		boolean leaked() {
			return !Objects.equals(this.expected, this.tenant)
					|| !Objects.equals((this.expected != null) ? this.expected.value() : null, this.mdc);
		}

	}

	private static List<Seen> interleave(AsyncProbe probe) throws Exception {
		List<CompletableFuture<Seen>> futures = new ArrayList<>(TASKS);
		for (int i = 0; i < TASKS; i++) {
			TenantId tenant = tenantFor(i);
			TenantContext.run(tenant, () -> futures.add(probe.observe(tenant)));
		}
		List<Seen> seen = new ArrayList<>(TASKS);
		for (CompletableFuture<Seen> future : futures) {
			seen.add(future.get(30, TimeUnit.SECONDS));
		}
		return seen;
	}

	private static void assertNoLeaks(List<Seen> seen) {
		assertThat(seen).hasSize(TASKS);
		assertThat(seen).filteredOn(Seen::leaked).as("@Async calls that saw a tenant not theirs").isEmpty();
		assertThat(seen).filteredOn((s) -> ACME.equals(s.tenant())).hasSize((TASKS + 2) / 3);
		assertThat(seen).filteredOn((s) -> s.tenant() == null).hasSize(TASKS / 3);
	}

	@Test
	void asyncOnASingleWorkerThread() {
		this.runner
			.withPropertyValues("spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				AsyncProbe probe = context.getBean(AsyncProbe.class);
				List<Seen> seen = interleave(probe);
				assertNoLeaks(seen);
				assertThat(seen).extracting(Seen::thread)
					.as("one worker thread shared by all tenants")
					.containsOnly(seen.get(0).thread());
				assertThat(seen).noneMatch(Seen::virtual);
				// Afterwards, the worker thread keeps nothing.
				assertThat(probe.observe(null).get(10, TimeUnit.SECONDS).tenant()).isNull();
			});
	}

	@Test
	void asyncOnVirtualThreads() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			List<Seen> seen = interleave(context.getBean(AsyncProbe.class));
			assertNoLeaks(seen);
			assertThat(seen).allMatch(Seen::virtual);
		});
	}

	@Test
	void withoutTheDecoratorNothingIsCarried() {
		// Shows the tests above can fail: with propagation switched off, acme's calls see
		// no tenant.
		this.runner
			.withPropertyValues("tenancy.context-propagation.enabled=false", "spring.task.execution.pool.core-size=1")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(TaskDecorator.class);
				AsyncProbe probe = context.getBean(AsyncProbe.class);
				Seen seen = TenantContext.call(ACME, () -> probe.observe(ACME)).get(10, TimeUnit.SECONDS);
				assertThat(seen.tenant()).isNull();
				assertThat(seen.leaked()).isTrue();
			});
	}

	@Test
	void decoratedTaskRunsWithoutTenantEvenOnAThreadThatHasOne() {
		this.runner.run((context) -> {
			TaskDecorator decorator = context.getBean(TaskDecorator.class);
			List<TenantId> seen = new ArrayList<>();
			Runnable noTenant = decorator.decorate(() -> seen.add(TenantContext.current().orElse(null)));
			Runnable globex = TenantContext.supply(GLOBEX,
					() -> decorator.decorate(() -> seen.add(TenantContext.current().orElse(null))));
			TenantContext.run(ACME, () -> {
				noTenant.run();
				globex.run();
				assertThat(TenantContext.current()).contains(ACME);
			});
			assertThat(seen).containsExactly(null, GLOBEX);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		AsyncProbe asyncProbe() {
			return new AsyncProbe();
		}

	}

	static class AsyncProbe {

		@Async
		public CompletableFuture<Seen> observe(TenantId expected) {
			return CompletableFuture.completedFuture(
					new Seen(expected, TenantContext.current().orElse(null), MDC.get(TenantContext.MDC_KEY),
							Thread.currentThread().isVirtual(), Thread.currentThread().getName()));
		}

	}

}

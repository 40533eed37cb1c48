package dev.tenancy.autoconfigure;

import io.micrometer.context.ContextSnapshotFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

/**
 * Carries the tenant (and every other context-propagation value, such as the MDC-backed trace) to
 * the application task executor, hence to {@code @Async} methods, on platform and virtual threads.
 */
@AutoConfiguration(before = TaskExecutionAutoConfiguration.class)
@ConditionalOnClass({ ContextSnapshotFactory.class, ContextPropagatingTaskDecorator.class })
@ConditionalOnBooleanProperty(name = "tenancy.context-propagation.enabled", matchIfMissing = true)
public final class TenancyContextPropagationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TaskDecorator tenancyTaskDecorator() {
		// clearMissing: a task submitted without a tenant must not see the tenant of the thread
		// that happens to run it.
		return new ContextPropagatingTaskDecorator(ContextSnapshotFactory.builder().clearMissing(true).build());
	}

}

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
 * Carries the tenant (and every other context-propagation value, such as the MDC-backed
 * trace) to the application task executor, hence to {@code @Async} methods, on platform
 * and virtual threads.
 * <p>
 * The decorator is one {@link TaskDecorator} bean among the application's own: Spring
 * Boot's task execution auto-configuration composes all of them, in order, with a
 * {@code CompositeTaskDecorator}, so an application that declares its own decorator (say,
 * one that copies an MDC key) keeps both. Unordered, this one comes after the
 * application's decorators and so wraps them: the tenant is in place while they run. It
 * backs off only when the application defines a bean named {@value #TASK_DECORATOR_BEAN}.
 */
@AutoConfiguration(before = TaskExecutionAutoConfiguration.class)
@ConditionalOnClass({ ContextSnapshotFactory.class, ContextPropagatingTaskDecorator.class })
@ConditionalOnBooleanProperty(name = "tenancy.context-propagation.enabled", matchIfMissing = true)
public final class TenancyContextPropagationAutoConfiguration {

	/** Name of the decorator bean. */
	public static final String TASK_DECORATOR_BEAN = "tenancyTaskDecorator";

	@Bean(TASK_DECORATOR_BEAN)
	@ConditionalOnMissingBean(name = TASK_DECORATOR_BEAN)
	TaskDecorator tenancyTaskDecorator() {
		// clearMissing: a task submitted without a tenant must not see the tenant of the
		// thread
		// that happens to run it.
		return new ContextPropagatingTaskDecorator(ContextSnapshotFactory.builder().clearMissing(true).build());
	}

}

package dev.tenancy.test.tenant;

import java.lang.reflect.Method;
import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

/**
 * The JUnit extension behind {@link WithTenant}: wraps each test method and its
 * {@code @BeforeEach}/{@code @AfterEach} methods in a {@link TenantContext} scope, on the
 * thread that runs them. Registered by the annotation; nothing to register by hand.
 */
public final class WithTenantExtension implements InvocationInterceptor {

	@Override
	public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
			ExtensionContext extensionContext) throws Throwable {
		proceedAsTenant(invocation, extensionContext);
	}

	@Override
	public <T> T interceptTestFactoryMethod(Invocation<T> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		return proceedAsTenant(invocation, extensionContext);
	}

	@Override
	public void interceptTestTemplateMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		proceedAsTenant(invocation, extensionContext);
	}

	@Override
	public void interceptBeforeEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		proceedAsTenant(invocation, extensionContext);
	}

	@Override
	public void interceptAfterEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		proceedAsTenant(invocation, extensionContext);
	}

	private static <T> T proceedAsTenant(Invocation<T> invocation, ExtensionContext context) throws Throwable {
		Optional<TenantId> tenant = tenantOf(context);
		if (tenant.isEmpty()) {
			return invocation.proceed();
		}
		try (TenantScope scope = TenantScope.enter(tenant.get())) {
			return invocation.proceed();
		}
	}

	/**
	 * The tenant a test runs as: the method's annotation, else the nearest enclosing
	 * class's.
	 * @param context the test's context
	 * @return the tenant, or empty when nothing is annotated
	 */
	static Optional<TenantId> tenantOf(ExtensionContext context) {
		Optional<WithTenant> onMethod = context.getTestMethod()
			.flatMap((method) -> AnnotationSupport.findAnnotation(method, WithTenant.class));
		if (onMethod.isPresent()) {
			return onMethod.map((annotation) -> TenantId.of(annotation.value()));
		}
		for (Optional<Class<?>> type = context.getTestClass(); type
			.isPresent(); type = Optional.ofNullable(type.get().getEnclosingClass())) {
			Optional<WithTenant> onClass = AnnotationSupport.findAnnotation(type.get(), WithTenant.class);
			if (onClass.isPresent()) {
				return onClass.map((annotation) -> TenantId.of(annotation.value()));
			}
		}
		return Optional.empty();
	}

}

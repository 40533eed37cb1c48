package dev.tenancy.web;

import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Lets Micrometer context-propagation carry the request id (MDC
 * {@value RequestIdFilter#MDC_KEY}) to the threads that run a request's tasks, like the
 * tenant ({@code TenantThreadLocalAccessor}) and the trace context: the log lines of an
 * {@code @Async} method or a wrapped executor's task carry the request id of the request
 * that started them. Registered through {@code META-INF/services}.
 */
public final class RequestIdThreadLocalAccessor implements ThreadLocalAccessor<String> {

	/** Key of the request id in a context snapshot. */
	public static final String KEY = "dev.tenancy.request-id";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public String getValue() {
		return MDC.get(RequestIdFilter.MDC_KEY);
	}

	@Override
	public void setValue(String value) {
		MDC.put(RequestIdFilter.MDC_KEY, value);
	}

	@Override
	public void setValue() {
		MDC.remove(RequestIdFilter.MDC_KEY);
	}

	@Override
	public void restore(String previousValue) {
		setValue(previousValue);
	}

	@Override
	public void restore() {
		setValue();
	}

}

package dev.tenancy.web;

import java.util.Map;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;

/**
 * Keeps {@link ProblemDetail} bodies to fixed text. Spring MVC fills in {@code instance}
 * with the request path when a controller leaves it empty, so it is removed again just
 * before the body is written; and a problem without a {@code code} member (Spring's own
 * answer to an MVC exception, whose {@code detail} may quote the input) is replaced by
 * the fixed problem of its status.
 */
@ControllerAdvice
public final class ProblemDetailAdvice implements ResponseBodyAdvice<Object> {

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selectedContentType,
			Class<? extends HttpMessageConverter<?>> selectedConverterType, ServerHttpRequest request,
			ServerHttpResponse response) {
		if (!(body instanceof ProblemDetail problem)) {
			return body;
		}
		problem.setInstance(null);
		Map<String, Object> properties = problem.getProperties();
		if (properties != null && properties.get("code") instanceof String) {
			return problem;
		}
		TenancyError error = ErrorStatuses.problemFor(problem.getStatus());
		response.setStatusCode(HttpStatusCode.valueOf(error.status()));
		return TenancyException.problem(error, null);
	}

}

package dev.tenancy.web;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemDetailAdviceTest {

	private final ProblemDetailAdvice advice = new ProblemDetailAdvice();

	private final MockHttpServletResponse servletResponse = new MockHttpServletResponse();

	private Object write(Object body) {
		return this.advice.beforeBodyWrite(body, null, MediaType.APPLICATION_PROBLEM_JSON,
				JacksonJsonHttpMessageConverter.class,
				new ServletServerHttpRequest(new MockHttpServletRequest("GET", "/admin/tenants/hostile")),
				new ServletServerHttpResponse(this.servletResponse));
	}

	@Test
	void instanceIsRemovedFromOurProblems() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No such tenant.");
		problem.setProperty("code", "tenant_not_found");
		problem.setInstance(URI.create("/admin/tenants/hostile"));

		Object written = write(problem);

		assertThat(written).isSameAs(problem);
		assertThat(problem.getInstance()).isNull();
		assertThat(problem.getDetail()).isEqualTo("No such tenant.");
	}

	@Test
	void springsOwnProblemIsReplacedByTheFixedOne() {
		ProblemDetail spring = ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED,
				"Method 'hostile<script>' is not supported.");
		spring.setInstance(URI.create("/hostile"));

		ProblemDetail written = (ProblemDetail) write(spring);

		assertThat(written.getStatus()).isEqualTo(405);
		assertThat(written.getProperties()).containsEntry("code", "method_not_allowed");
		assertThat(written.getDetail()).isEqualTo("This method is not allowed here.");
		assertThat(written.getInstance()).isNull();
	}

	@Test
	void otherBodiesAreUntouched() {
		Object body = "plain";

		assertThat(write(body)).isSameAs(body);
	}

}

package dev.tenancy.web;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request gets an id in the MDC (a sane caller's {@code X-Request-ID} or a fresh
 * UUID), echoed in the response header even when an error handler resets the response,
 * carried to the request's tasks on other threads, and gone from the MDC afterwards.
 */
class RequestIdFilterTest {

	private final RequestIdFilter filter = new RequestIdFilter();

	@AfterEach
	void clear() {
		MDC.clear();
	}

	@Test
	void saneCallerIdIsKeptInTheMdcAndEchoed() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
		request.addHeader("X-Request-ID", "abc-123_4.5:6");
		MockHttpServletResponse response = new MockHttpServletResponse();
		AtomicReference<String> seen = new AtomicReference<>();

		this.filter.doFilter(request, response, chain((req, res) -> seen.set(MDC.get("request_id"))));

		assertThat(seen.get()).isEqualTo("abc-123_4.5:6");
		assertThat(response.getHeader("X-Request-ID")).isEqualTo("abc-123_4.5:6");
		assertThat(MDC.get("request_id")).as("MDC after the request").isNull();
	}

	@Test
	void insaneOrMissingCallerIdIsReplacedByAUuid() throws Exception {
		for (String header : new String[] { "two words", "x".repeat(101), "a\"b", "", null }) {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
			if (header != null) {
				request.addHeader("X-Request-ID", header);
			}
			MockHttpServletResponse response = new MockHttpServletResponse();
			AtomicReference<String> seen = new AtomicReference<>();

			this.filter.doFilter(request, response, chain((req, res) -> seen.set(MDC.get("request_id"))));

			assertThat(seen.get()).as(header).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
			assertThat(response.getHeader("X-Request-ID")).isEqualTo(seen.get());
		}
	}

	@Test
	void headerSurvivesAResetForAnErrorAnswer() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
		request.addHeader("X-Request-ID", "keep-me");
		MockHttpServletResponse response = new MockHttpServletResponse();

		this.filter.doFilter(request, response, chain((req, res) -> {
			res.setHeader("X-Other", "gone");
			res.reset();
		}));

		assertThat(response.getHeader("X-Other")).isNull();
		assertThat(response.getHeader("X-Request-ID")).isEqualTo("keep-me");
	}

	@Test
	void tasksOnOtherThreadsCarryTheRequestsId() throws Exception {
		ExecutorService executor = ContextExecutorService.wrap(Executors.newSingleThreadExecutor(),
				() -> ContextSnapshotFactory.builder().build().captureAll());
		try {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
			request.addHeader("X-Request-ID", "async-1");
			AtomicReference<String> inTask = new AtomicReference<>();

			this.filter.doFilter(request, new MockHttpServletResponse(), chain((req, res) -> {
				try {
					executor.submit(() -> inTask.set(MDC.get("request_id"))).get(5, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}));

			assertThat(inTask.get()).isEqualTo("async-1");
			AtomicReference<String> after = new AtomicReference<>("unset");
			executor.submit(() -> after.set(MDC.get("request_id"))).get(5, TimeUnit.SECONDS);
			assertThat(after.get()).as("the pool thread after the task").isNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static MockFilterChain chain(Handler handler) {
		return new MockFilterChain(new HttpServlet() {

			@Override
			protected void service(HttpServletRequest req, HttpServletResponse res) {
				handler.handle(req, res);
			}

		});
	}

	@FunctionalInterface
	private interface Handler {

		void handle(HttpServletRequest request, HttpServletResponse response);

	}

}

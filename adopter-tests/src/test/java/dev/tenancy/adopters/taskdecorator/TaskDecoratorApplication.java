package dev.tenancy.adopters.taskdecorator;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.context.TenantContext;

/**
 * An application with a {@link TaskDecorator} of its own, as many have: it copies the
 * caller's {@code request_id} MDC entry to the {@code @Async} thread. The starter's
 * tenant propagation must come on top of it, not replace it (or be replaced by it).
 */
@SpringBootApplication
@EnableAsync
public class TaskDecoratorApplication {

	static final String REQUEST_ID = "request_id";

	/**
	 * What the application's decorator saw as the current tenant when its task started.
	 */
	static final String DECORATOR_SAW = "decorator_saw_tenant";

	@Bean
	TaskDecorator requestIdTaskDecorator() {
		return (task) -> {
			String requestId = MDC.get(REQUEST_ID);
			return () -> {
				MDC.put(REQUEST_ID, requestId);
				MDC.put(DECORATOR_SAW, TenantContext.current().map(Object::toString).orElse("none"));
				try {
					task.run();
				}
				finally {
					MDC.remove(REQUEST_ID);
					MDC.remove(DECORATOR_SAW);
				}
			};
		};
	}

	@Service
	static class Reports {

		@Async
		public CompletableFuture<Map<String, String>> build() {
			return CompletableFuture
				.completedFuture(Map.of("tenant", TenantContext.current().map(Object::toString).orElse("none"),
						"requestId", String.valueOf(MDC.get(REQUEST_ID)), "decoratorSaw",
						String.valueOf(MDC.get(DECORATOR_SAW)), "thread", Thread.currentThread().getName()));
		}

	}

	@RestController
	static class ReportController {

		private final Reports reports;

		ReportController(Reports reports) {
			this.reports = reports;
		}

		@GetMapping("/api/report")
		CompletableFuture<Map<String, String>> report(@RequestHeader("X-Request-Id") String requestId) {
			MDC.put(REQUEST_ID, requestId);
			try {
				return this.reports.build();
			}
			finally {
				MDC.remove(REQUEST_ID);
			}
		}

	}

}

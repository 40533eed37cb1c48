package dev.tenancy.adopters.taskdecorator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.TaskDecorator;

import dev.tenancy.test.FakeIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@link TaskDecorator} and the starter's tenant propagation both
 * apply to {@code @Async} work: Spring Boot composes the two decorator beans. One
 * executor thread serves every call, so a tenant or request id left behind by an earlier
 * call would show.
 */
class TaskDecoratorTest {

	private static FakeIdentityProvider idp;

	private static ConfigurableApplicationContext app;

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() {
		idp = new FakeIdentityProvider();
		idp.start();
		app = new SpringApplicationBuilder(TaskDecoratorApplication.class).properties("server.port=0",
				"spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + idp.jwkSetUri(),
				"tenancy.rate-limit.enabled=false", "tenancy.tenants.acme.display-name=Acme Travel",
				"tenancy.tenants.globex.display-name=Globex")
			.run();
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (idp != null) {
			idp.close();
		}
	}

	@Test
	void bothTheApplicationsDecoratorAndTenantPropagationApply() throws Exception {
		assertThat(app.getBeansOfType(TaskDecorator.class)).containsOnlyKeys("requestIdTaskDecorator",
				"tenancyTaskDecorator");
		String acme = idp.token((claims) -> claims.claim("tenant_id", "acme"));
		String globex = idp.token((claims) -> claims.claim("tenant_id", "globex"));
		for (int i = 0; i < 3; i++) {
			// the tenant's decorator wraps the application's: the tenant is in place
			// while it runs
			assertThat(report(acme, "req-a" + i)).contains("\"tenant\":\"acme\"", "\"requestId\":\"req-a" + i + "\"",
					"\"decoratorSaw\":\"acme\"");
			assertThat(report(globex, "req-g" + i)).contains("\"tenant\":\"globex\"",
					"\"requestId\":\"req-g" + i + "\"", "\"decoratorSaw\":\"globex\"");
		}
	}

	private String report(String token, String requestId) throws Exception {
		int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/report"))
			.header("Authorization", "Bearer " + token)
			.header("X-Request-Id", requestId)
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

}

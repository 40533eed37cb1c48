package dev.tenancy.sample;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first start on an empty database: by the time the web server accepts its first
 * connection the shipped tenants are all in the registry, and readiness is still down; it
 * turns to accepting traffic only once start-up work is done. (It used to answer
 * {@code tenant_forbidden} for acme for a moment, because the import ran after the
 * connector had started.)
 */
class FirstStartTest {

	@Test
	void nothingIsServedBeforeTheShippedTenantsAreImported() {
		AtomicInteger tenantsWhenServing = new AtomicInteger(-1);
		AtomicReference<ReadinessState> readinessWhenServing = new AtomicReference<>();
		ApplicationListener<WebServerInitializedEvent> serverStarted = (event) -> {
			var context = event.getApplicationContext();
			tenantsWhenServing.set(context.getBean(JdbcTenantRegistry.class).findAll().size());
			readinessWhenServing.set(context.getBean(ApplicationAvailability.class).getReadinessState());
		};
		try (ScratchDatabase empty = Databases.scratch();
				ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
					.profiles("local")
					.listeners(serverStarted)
					.run(TestDatabase.args("server.port=0", "spring.datasource.url=" + withoutCredentials(empty)))) {

			assertThat(tenantsWhenServing.get()).as("tenants in the registry when the server started accepting")
				.isEqualTo(64);
			assertThat(readinessWhenServing.get()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(app.getBean(ApplicationAvailability.class).getReadinessState())
				.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			Api api = new Api(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
			assertThat(api.get("/api/tenant", "Authorization", "Bearer " + LocalTokens.forTenant(app, "acme"))
				.statusCode()).isEqualTo(200);
		}
	}

	private static String withoutCredentials(ScratchDatabase database) {
		String url = database.jdbcUrl();
		int query = url.indexOf('?');
		return (query >= 0) ? url.substring(0, query) : url;
	}

}

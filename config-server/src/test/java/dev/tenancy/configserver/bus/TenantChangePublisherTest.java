package dev.tenancy.configserver.bus;

import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.bus.TenantChangedRemoteEvent;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An instance that receives a pushed change asks this server for the tenant at once, so
 * by the time an event is published this server's own cache must no longer hold the old
 * tenant. Here the server's {@code LISTEN} invalidation is off, and changes are written
 * past the server (as another replica or a migration would): only the publisher can
 * invalidate, and each event's listener (run where the bus sends it) reads the tenant
 * through the server's cache, as the tenant API would answer an instance.
 */
@SpringBootTest(properties = { "spring.cloud.bus.enabled=true",
		"spring.cloud.bus.destination=tenancy-publisher-test-${random.value}", "tenancy.registry.jdbc.listen=false",
		"tenancy.config-server.clients.sample-app.password={noop}secret" })
class TenantChangePublisherTest {

	private static final BlockingQueue<Publication> publications = new LinkedBlockingQueue<>();

	private static final String TENANT = "published-" + UUID.randomUUID().toString().substring(0, 8);

	@Autowired
	DataSource dataSource;

	@Autowired
	CachingTenantRegistry cache;

	@BeforeAll
	static void requireRabbitMq() {
		try (Socket socket = new Socket("127.0.0.1", 5672)) {
			socket.setSoTimeout(1000);
		}
		catch (Exception ex) {
			fail("RabbitMQ must run on 127.0.0.1:5672 (guest/guest) for the bus tests: start it with "
					+ "'rabbitmq-server -detached'. " + ex.getMessage());
		}
	}

	@Test
	void everyPublishedChangeIsAnsweredFreshByThisServer() throws Exception {
		JdbcTenantRegistry elsewhere = new JdbcTenantRegistry(this.dataSource, "tenancy", (event) -> {
		});
		TenantId id = TenantId.of(TENANT);
		Tenant tenant = elsewhere.create(id, "Published", new TenantConfig(null, null, null, null, null, null),
				new TenantChange("test", null));
		awaitPublished(tenant.version());
		for (int i = 0; i < 5; i++) {
			assertThat(this.cache.find(id)).as("cached by a lookup").isPresent();
			tenant = elsewhere.update(id, tenant.version(), "Published " + i, tenant.config(),
					new TenantChange("test", null));
			assertThat(awaitPublished(tenant.version()))
				.as("the version this server answers when the event for version %d is published", tenant.version())
				.isEqualTo(tenant.version());
		}
	}

	/** The version the server's cache answered when this version's event went out. */
	private long awaitPublished(long version) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			Publication publication = publications.poll(100, TimeUnit.MILLISECONDS);
			if (publication != null && publication.version() == version) {
				return publication.answered();
			}
		}
		return fail("No event was published for version " + version + " within 10 s");
	}

	/**
	 * An event that went out, and what the server answered for its tenant then.
	 *
	 * @param version the version the event announced
	 * @param answered the version the server's cache answered
	 */
	record Publication(long version, long answered) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ReadsAtPublication {

		@Bean
		ApplicationListener<TenantChangedRemoteEvent> readAtPublication(ObjectProvider<CachingTenantRegistry> cache) {
			return (event) -> {
				if (TENANT.equals(event.getTenant())) {
					publications.add(new Publication(event.getVersion(),
							cache.getObject().find(TenantId.of(TENANT)).map(Tenant::version).orElse(-1L)));
				}
			};
		}

	}

}

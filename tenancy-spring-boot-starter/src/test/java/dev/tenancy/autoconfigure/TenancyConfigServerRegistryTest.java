package dev.tenancy.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

import dev.tenancy.TenantId;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerConnection;
import dev.tenancy.registry.remote.ConfigServerTenantRegistry;
import dev.tenancy.test.FakeTenantApi;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tenancy.registry.source=config-server}, against the tenant API served on
 * loopback.
 */
class TenancyConfigServerRegistryTest {

	private static final TenantId ACME = TenantId.of("acme");

	private final FakeTenantApi api = new FakeTenantApi();

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(TenancyRegistryAutoConfiguration.class, TenancyHealthContributorAutoConfiguration.class));

	@AfterEach
	void stop() {
		this.api.close();
	}

	private String[] serverProperties() {
		return new String[] { "tenancy.registry.source=config-server",
				"tenancy.registry.config-server.url=" + this.api.url(),
				"tenancy.registry.config-server.username=" + FakeTenantApi.USERNAME,
				"tenancy.registry.config-server.password=" + FakeTenantApi.PASSWORD,
				"tenancy.registry.config-server.poll-interval=100ms" };
	}

	@Test
	void configServerSourceResolvesCachesAndFollowsChanges() {
		this.api.put("acme", "Acme Travel", "active", "{\"plan\":\"standard\"}");
		this.runner.withPropertyValues(serverProperties()).run((context) -> {
			assertThat(context).hasNotFailed();
			TenantRegistry registry = context.getBean(TenantRegistry.class);
			assertThat(registry).isInstanceOf(CachingTenantRegistry.class);
			assertThat(context).hasSingleBean(ConfigServerTenantRegistry.class);
			ConfigServerChangeFollower follower = context.getBean(ConfigServerChangeFollower.class);
			assertThat(follower.awaitSynced(Duration.ofSeconds(5))).isTrue();
			assertThat(registry.find(ACME).orElseThrow().config().plan()).isEqualTo("standard");
			assertThat(registry.find(TenantId.of("nobody"))).isEmpty();
			this.api.put("acme", "Acme Travel", "suspended", "{\"plan\":\"standard\"}");
			long start = System.nanoTime();
			while (registry.find(ACME).orElseThrow().isActive()) {
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
				Thread.sleep(20);
			}
			Health health = context.getBean("tenancyRegistryHealthIndicator", ConfigServerRegistryHealthIndicator.class)
				.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("cursor", 2L)
				.containsEntry("changeFollower", "following")
				.containsEntry("source", "config-server");
			assertThat(health.getDetails().toString()).doesNotContain(FakeTenantApi.PASSWORD);
		});
	}

	@Test
	void requestsGoThroughTheApplicationsRestClientBuilder() {
		// Spring Boot's RestClient.Builder carries its observation customizer (metrics,
		// tracing);
		// an interceptor stands in for it here. URIs are templates, never a tenant id per
		// tag.
		this.api.put("acme", "Acme Travel", "active", "{\"plan\":\"standard\"}");
		List<String> seen = new CopyOnWriteArrayList<>();
		this.runner.withPropertyValues(serverProperties())
			.withBean(RestClient.Builder.class, () -> RestClient.builder().requestInterceptor((request, body, next) -> {
				seen.add(request.getURI().getPath());
				return next.execute(request, body);
			}))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TenantRegistry.class).find(ACME)).isPresent();
				assertThat(context.getBean(ConfigServerChangeFollower.class).awaitSynced(Duration.ofSeconds(5)))
					.isTrue();
				assertThat(seen).contains("/tenants/acme", "/tenants/changes/latest");
			});
	}

	@Test
	void timeoutsArePropertiesWithDefaults() {
		this.runner.withPropertyValues(serverProperties()).run((context) -> {
			TenancyRegistryProperties.ConfigServer server = context.getBean(TenancyRegistryProperties.class)
				.configServer();
			assertThat(server.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(server.readTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(server.toString()).doesNotContain(FakeTenantApi.PASSWORD).contains("******");
		});
		this.runner
			.run((context) -> assertThat(context.getBean(TenancyRegistryProperties.class).configServer().pollInterval())
				.isEqualTo(Duration.ofMillis(500)));
	}

	@Test
	void missingUrlFailsNamingTheProperty() {
		this.runner.withPropertyValues("tenancy.registry.source=config-server")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tenancy.registry.config-server.url"));
	}

	@Test
	void urlWithCredentialsFailsWithoutEchoingThem() {
		this.runner
			.withPropertyValues("tenancy.registry.source=config-server",
					"tenancy.registry.config-server.url=http://u:topsecret@127.0.0.1:1")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("tenancy.registry.config-server")
				.hasMessageNotContaining("topsecret"));
	}

	@Test
	void unreachableServerIsDownButTheAppStarts() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		this.runner
			.withPropertyValues("tenancy.registry.source=config-server",
					"tenancy.registry.config-server.url=http://127.0.0.1:" + port)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Health health = context.getBean(ConfigServerRegistryHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("lastAnswer", "never").containsEntry("cursor", -1L);
			});
	}

	@Test
	void propertiesSourceHasNoConfigServerBeans() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ConfigServerTenantRegistry.class);
			assertThat(context).doesNotHaveBean(ConfigServerChangeFollower.class);
		});
	}

	@Test
	void backsOffForTheUsersOwnBeans() {
		ConfigServerTenantRegistry own = new ConfigServerTenantRegistry(new ConfigServerConnection(this.api.url(),
				FakeTenantApi.USERNAME, FakeTenantApi.PASSWORD, Duration.ofSeconds(1), Duration.ofSeconds(1)), 10);
		CachingTenantRegistry ownCache = new CachingTenantRegistry(own, 10, Duration.ofMinutes(1),
				Duration.ofMinutes(1));
		this.runner.withPropertyValues("tenancy.registry.source=config-server")
			.withBean(ConfigServerTenantRegistry.class, () -> own)
			.withBean(CachingTenantRegistry.class, () -> ownCache)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ConfigServerTenantRegistry.class)).isSameAs(own);
				assertThat(context.getBean(CachingTenantRegistry.class)).isSameAs(ownCache);
				assertThat(context).hasSingleBean(ConfigServerChangeFollower.class);
			});
	}

}

package dev.tenancy.registry.remote;

import dev.tenancy.test.FakeTenantApi;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.TenantRegistryUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The config-server registry and change follower against a real HTTP server on loopback.
 */
class ConfigServerTenantRegistryTest {

	private static final TenantId ACME = TenantId.of("acme");

	private static final String CONFIG = "{\"plan\":\"standard\",\"features\":[\"trips\"],\"locale\":\"en-GB\"}";

	private final FakeTenantApi api = new FakeTenantApi();

	private ConfigServerChangeFollower follower;

	@AfterEach
	void stop() {
		if (this.follower != null) {
			this.follower.close();
		}
		this.api.close();
	}

	private ConfigServerConnection connection(String password) {
		return new ConfigServerConnection(this.api.url(), FakeTenantApi.USERNAME, password, Duration.ofSeconds(1),
				Duration.ofSeconds(2));
	}

	private ConfigServerTenantRegistry registry() {
		return new ConfigServerTenantRegistry(connection(FakeTenantApi.PASSWORD), 100);
	}

	private CachingTenantRegistry followed(ConfigServerTenantRegistry registry) throws InterruptedException {
		CachingTenantRegistry cache = new CachingTenantRegistry(registry, 100, Duration.ofMinutes(10),
				Duration.ofMinutes(15));
		this.follower = new ConfigServerChangeFollower(registry.connection(), cache::invalidate, cache::invalidateAll,
				Duration.ofMillis(100), Duration.ofMillis(500));
		assertThat(this.follower.awaitSynced(Duration.ofSeconds(5))).isTrue();
		return cache;
	}

	@Test
	void resolvesTenantsAndAnswersUnknownOnes() {
		this.api.put("acme", "Acme Travel", "active", CONFIG);
		ConfigServerTenantRegistry registry = registry();
		Tenant acme = registry.find(ACME).orElseThrow();
		assertThat(acme.displayName()).isEqualTo("Acme Travel");
		assertThat(acme.status()).isEqualTo(TenantStatus.ACTIVE);
		assertThat(acme.version()).isEqualTo(1);
		assertThat(acme.config().plan()).isEqualTo("standard");
		assertThat(acme.config().hasFeature("trips")).isTrue();
		assertThat(registry.find(TenantId.of("nobody"))).isEmpty();
		assertThatThrownBy(registry::findAll).isInstanceOf(UnsupportedOperationException.class);
		assertThat(registry.connection().answeredWithin(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void revalidatesWithTheEtag() {
		this.api.put("acme", "Acme Travel", "active", CONFIG);
		ConfigServerTenantRegistry registry = registry();
		Tenant first = registry.find(ACME).orElseThrow();
		Tenant second = registry.find(ACME).orElseThrow();
		assertThat(second).isSameAs(first);
		assertThat(this.api.requestsFor("acme")).isEqualTo(2);
		assertThat(this.api.notModified).hasValue(1);
		this.api.put("acme", "Acme Travel", "suspended", CONFIG);
		assertThat(registry.find(ACME).orElseThrow().status()).isEqualTo(TenantStatus.SUSPENDED);
		assertThat(this.api.notModified).hasValue(1);
		this.api.delete("acme");
		assertThat(registry.find(ACME)).isEmpty();
	}

	@Test
	void aPublishedChangeIsVisibleThroughTheCacheWithinTwoSeconds() throws Exception {
		this.api.put("acme", "Acme Travel", "active", CONFIG);
		CachingTenantRegistry cache = followed(registry());
		assertThat(cache.find(ACME).orElseThrow().isActive()).isTrue();
		assertThat(cache.find(ACME).orElseThrow().isActive()).isTrue();
		assertThat(this.api.requestsFor("acme")).as("second lookup served from the cache").isEqualTo(1);
		this.api.put("acme", "Acme Travel", "suspended", CONFIG);
		long start = System.nanoTime();
		while (cache.find(ACME).orElseThrow().isActive()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			Thread.sleep(20);
		}
		assertThat(this.follower.cursor()).isEqualTo(2);
		assertThat(this.follower.gaps()).isZero();
		// An unrelated change revalidates cheaply: invalidate, then 304.
		this.api.put("other", "Other", "active", "{}");
		cache.find(TenantId.of("other"));
		awaitCursor(3);
		assertThat(this.follower.changes()).isEqualTo(2);
	}

	@Test
	void lastKnownGoodWhileTheServerIsDownThenRecovers() throws Exception {
		this.api.put("acme", "Acme Travel", "active", CONFIG);
		this.api.put("globex", "Globex", "active", CONFIG);
		ConfigServerTenantRegistry registry = registry();
		CachingTenantRegistry cache = followed(registry);
		assertThat(cache.find(ACME)).isPresent();
		this.api.stop();
		assertThat(cache.find(ACME)).as("fresh in the cache").isPresent();
		// Stale (as after a gap in notifications), so the lookup asks the server, which
		// is down.
		cache.invalidateAll();
		assertThat(cache.find(ACME)).as("last known good").isPresent();
		assertThatThrownBy(() -> cache.find(TenantId.of("globex")))
			.isInstanceOf(TenantRegistryUnavailableException.class)
			.hasMessageContaining("did not answer");
		Thread.sleep(300);
		assertThat(this.follower.isFollowing()).isFalse();
		this.api.start();
		assertThat(cache.find(TenantId.of("globex"))).isPresent();
		assertThat(cache.find(ACME).orElseThrow().isActive()).isTrue();
		long start = System.nanoTime();
		while (!this.follower.isFollowing()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			Thread.sleep(20);
		}
		int before = this.api.requestsFor("acme");
		assertThat(cache.find(ACME)).isPresent();
		assertThat(this.api.requestsFor("acme")).as("cached again").isEqualTo(before);
		this.api.put("acme", "Acme Travel", "suspended", CONFIG);
		start = System.nanoTime();
		while (cache.find(ACME).orElseThrow().isActive()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			Thread.sleep(20);
		}
		assertThat(this.follower.gaps()).as("resumed from its cursor: nothing to reload").isZero();
	}

	@Test
	void anUnknownCursorReloadsEverything() throws Exception {
		this.api.put("acme", "Acme Travel", "active", CONFIG);
		CachingTenantRegistry cache = followed(registry());
		cache.find(ACME);
		this.api.cursorGoneOnce = true;
		long start = System.nanoTime();
		while (this.follower.gaps() == 0) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			Thread.sleep(20);
		}
		cache.find(ACME);
		assertThat(this.api.requestsFor("acme")).as("reloaded after the gap").isEqualTo(2);
	}

	@Test
	void neverReachableServerIsUnavailable() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		ConfigServerTenantRegistry registry = new ConfigServerTenantRegistry(
				new ConfigServerConnection(URI.create("http://127.0.0.1:" + port + "/"), "a", "b",
						Duration.ofSeconds(1), Duration.ofSeconds(2)),
				10);
		assertThatThrownBy(() -> registry.find(ACME)).isInstanceOf(TenantRegistryUnavailableException.class)
			.hasMessageContaining("connection refused");
		assertThat(registry.connection().answeredWithin(Duration.ofMinutes(1))).isFalse();
	}

	@Test
	void aSlowServerTimesOut() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			ConfigServerTenantRegistry registry = new ConfigServerTenantRegistry(
					new ConfigServerConnection(URI.create("http://127.0.0.1:" + silent.getLocalPort()), "a", "b",
							Duration.ofMillis(200), Duration.ofMillis(300)),
					10);
			long start = System.nanoTime();
			assertThatThrownBy(() -> registry.find(ACME)).isInstanceOf(TenantRegistryUnavailableException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
	}

	@Test
	void wrongCredentialsAreAClearError() {
		this.api.put("acme", "Acme Travel", "active", CONFIG);
		ConfigServerTenantRegistry registry = new ConfigServerTenantRegistry(connection("wrong-password"), 10);
		assertThatIllegalStateException().isThrownBy(() -> registry.find(ACME))
			.withMessageContaining("refused the credentials")
			.withMessageContaining("sample-app")
			.withMessageContaining("tenancy.registry.config-server.username")
			.withMessageNotContaining("wrong-password");
		assertThat(registry.connection().toString()).doesNotContain("wrong-password");
	}

	@Test
	void theFollowerKeepsRetryingWithWrongCredentials() throws Exception {
		this.follower = new ConfigServerChangeFollower(connection("wrong-password"), (id) -> {
		}, () -> {
		}, Duration.ofMillis(50), Duration.ofMillis(100));
		assertThat(this.follower.awaitSynced(Duration.ofMillis(500))).isFalse();
		assertThat(this.follower.isFollowing()).isFalse();
		assertThat(this.follower.cursor()).isEqualTo(-1);
	}

	@Test
	void anAnswerForAnotherTenantIsRefused() {
		this.api.bodyOverride
			.set((id) -> "{\"id\":\"globex\",\"displayName\":\"G\",\"status\":\"active\",\"version\":1,\"config\":{}}");
		assertThatThrownBy(() -> registry().find(ACME)).isInstanceOf(ConfigServerResponseException.class)
			.hasMessageContaining("another tenant");
	}

	@Test
	void malformedAnswersAreRefused() {
		ConfigServerTenantRegistry registry = registry();
		String[] bodies = { "{\"id\":\"acme\",", "[]",
				"{\"id\":\"acme\",\"id\":\"acme\",\"status\":\"active\",\"version\":1}",
				"{\"id\":\"acme\",\"status\":\"active\",\"version\":\"1\"}",
				"{\"id\":\"acme\",\"status\":\"gone\",\"version\":1}",
				"{\"id\":\"acme\",\"status\":\"active\",\"version\":1,\"config\":{\"plan\":7}}",
				"{\"id\":\"acme\",\"status\":\"active\",\"version\":1,\"config\":{\"unknown\":true}}",
				"{\"id\":\"acme\",\"status\":\"active\",\"version\":1} {}" };
		for (String body : bodies) {
			this.api.bodyOverride.set((id) -> body);
			assertThatThrownBy(() -> registry.find(ACME)).as(body).isInstanceOf(ConfigServerResponseException.class);
		}
	}

	@Test
	void oversizedAnswersAreRefused() {
		String huge = "{\"id\":\"acme\",\"status\":\"active\",\"version\":1,\"displayName\":\""
				+ "x".repeat(ConfigServerTenantRegistry.MAX_TENANT_BYTES) + "\"}";
		this.api.bodyOverride.set((id) -> huge);
		assertThatThrownBy(() -> registry().find(ACME)).isInstanceOf(ConfigServerResponseException.class)
			.hasMessageContaining("larger than");
	}

	@Test
	void urlsWithCredentialsOrOfOtherSchemesAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConfigServerConnection(URI.create("http://u:secret@127.0.0.1:1"), null, null,
					Duration.ofSeconds(1), Duration.ofSeconds(1)))
			.withMessageNotContaining("secret");
		assertThatIllegalArgumentException().isThrownBy(() -> new ConfigServerConnection(URI.create("file:/tmp"), null,
				null, Duration.ofSeconds(1), Duration.ofSeconds(1)));
	}

	@Test
	void aBasePathIsKept() {
		ConfigServerConnection connection = new ConfigServerConnection(URI.create("http://127.0.0.1:1/config/"), null,
				null, Duration.ofSeconds(1), Duration.ofSeconds(1));
		assertThat(connection.url()).hasToString("http://127.0.0.1:1/config");
		assertThat(Optional.of(connection.toString())).get().asString().contains("/config");
	}

	private void awaitCursor(long cursor) throws InterruptedException {
		long start = System.nanoTime();
		while (this.follower.cursor() < cursor) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			Thread.sleep(20);
		}
	}

}

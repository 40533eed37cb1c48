package dev.tenancy.registry.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantAdministration.TenantPage;
import dev.tenancy.registry.TenantAuditEntry;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantChangedEvent;
import dev.tenancy.registry.TenantChanges;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.TenantRegistryUnavailableException;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The PostgreSQL registry against a real database: lifecycle, optimistic locking, the
 * audit trail, the change notification and the events. Each test uses tenant ids of its
 * own.
 */
class JdbcTenantRegistryTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final TenantChange ALICE = new TenantChange("alice@example.com", "req-1");

	/**
	 * Shared by many tenants, so without e-mail domains (a domain belongs to one tenant:
	 * see {@link EmailDomainRegistryTest}).
	 */
	static final TenantConfig CONFIG = TenantConfigJson.parse("""
			{"plan": "standard", "rateLimit": {"limit": 100, "window": "PT1M"},
			 "features": ["trips"], "locale": "en-GB"}
			""");

	static final TenantConfig PREMIUM = TenantConfigJson.parse("""
			{"plan": "premium", "rateLimit": {"limit": 1000, "window": "PT1M", "burst": 2000},
			 "features": ["trips", "helpdesk"], "attributes": {"brandColour": "#0a5"}}
			""");

	static String schema;

	static HikariDataSource dataSource;

	static JdbcClient jdbc;

	final List<TenantChangedEvent> events = Collections.synchronizedList(new ArrayList<>());

	JdbcTenantRegistry registry;

	String prefix;

	@BeforeAll
	static void migrate() {
		schema = Databases.uniqueName("registry");
		dataSource = Databases.hikari(TestServices.postgres().jdbcUrl(), 4, "registry-test");
		RegistryMigrations.migrate(dataSource, schema);
		jdbc = JdbcClient.create(dataSource);
	}

	@AfterAll
	static void close() {
		dataSource.close();
	}

	@BeforeEach
	void registry(TestInfo test) {
		this.registry = new JdbcTenantRegistry(dataSource, schema, this.events::add);
		String name = test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
		this.prefix = name.substring(0, Math.min(40, name.length()));
	}

	@Test
	void createThenFind() {
		TenantId id = id("acme");
		Tenant created = this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		assertThat(created).isEqualTo(new Tenant(id, "Acme Travel", TenantStatus.ACTIVE, CONFIG, 0));
		assertThat(this.registry.find(id)).contains(created);
		assertThat(this.registry.configSource(id)).contains("db");
		assertThat(this.registry.find(id("nobody"))).isEmpty();
		assertThat(this.registry.configSource(id("nobody"))).isEmpty();
		assertThat(this.events).containsExactly(new TenantChangedEvent(id, "created", 0));
		JsonNode stored = JSON.readTree(jdbc.sql("select config::text from " + schema + ".tenant where id = ?")
			.param(id.value())
			.query(String.class)
			.single());
		assertThat(TenantConfigJson.fromTree(stored, "config")).isEqualTo(CONFIG);
	}

	@Test
	void changeFeedPagesThroughTheAuditTrailFromACursor() {
		long start = this.registry.latestChange();
		TenantId acme = id("acme");
		TenantId globex = id("globex");
		this.registry.create(acme, "Acme Travel", CONFIG, ALICE);
		this.registry.create(globex, "Globex", CONFIG, ALICE);
		this.registry.update(acme, 0, "Acme", PREMIUM, ALICE);
		this.registry.changeStatus(globex, TenantStatus.SUSPENDED, null, ALICE);
		TenantChanges first = this.registry.changesAfter(start, 3);
		assertThat(first.changes())
			.extracting(TenantChanges.Change::tenant, TenantChanges.Change::action, TenantChanges.Change::version)
			.containsExactly(tuple(acme.value(), "created", 0L), tuple(globex.value(), "created", 0L),
					tuple(acme.value(), "updated", 1L));
		assertThat(first.changes()).extracting(TenantChanges.Change::cursor).isSorted().allMatch((c) -> c > start);
		assertThat(first.cursor()).isEqualTo(first.changes().get(2).cursor());
		TenantChanges rest = this.registry.changesAfter(first.cursor(), 10);
		assertThat(rest.changes()).extracting(TenantChanges.Change::tenant, TenantChanges.Change::action)
			.containsExactly(tuple(globex.value(), "suspended"));
		assertThat(this.registry.latestChange()).isEqualTo(rest.cursor());
		// nothing after the latest: the cursor stays where it was
		TenantChanges none = this.registry.changesAfter(rest.cursor(), 10);
		assertThat(none.changes()).isEmpty();
		assertThat(none.cursor()).isEqualTo(rest.cursor());
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.changesAfter(-1, 10));
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.changesAfter(0, 0));
	}

	@Test
	void changeFeedIsUnavailableWhileTheDatabaseIs() {
		try (HikariDataSource away = Databases.hikari("jdbc:postgresql://127.0.0.1:1/postgres", 1, "registry-away",
				(config) -> config.setConnectionTimeout(500))) {
			JdbcTenantRegistry unreachable = new JdbcTenantRegistry(away, schema, (event) -> {
			});
			assertThatExceptionOfType(TenantRegistryUnavailableException.class)
				.isThrownBy(() -> unreachable.changesAfter(0, 10));
			assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(unreachable::latestChange);
		}
	}

	@Test
	void createAuditsWhoWhenAndWhat() {
		TenantId id = id("acme");
		Instant before = Instant.now().minusSeconds(5);
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		List<TenantAuditEntry> audit = this.registry.audit(id);
		assertThat(audit).hasSize(1);
		TenantAuditEntry entry = audit.get(0);
		assertThat(entry.tenant()).isEqualTo(id.value());
		assertThat(entry.action()).isEqualTo("created");
		assertThat(entry.actor()).isEqualTo("alice@example.com");
		assertThat(entry.requestId()).isEqualTo("req-1");
		assertThat(entry.version()).isZero();
		assertThat(entry.at()).isBetween(before, Instant.now().plusSeconds(5));
		assertThat(entry.before()).isNull();
		JsonNode after = JSON.readTree(entry.after());
		assertThat(after.get("id").asString()).isEqualTo(id.value());
		assertThat(after.get("displayName").asString()).isEqualTo("Acme Travel");
		assertThat(after.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(config(after)).isEqualTo(CONFIG);
	}

	@Test
	void createWithATakenIdIsRefused() {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		assertThatExceptionOfType(TenantRegistryException.AlreadyExists.class)
			.isThrownBy(() -> this.registry.create(id, "Other", TenantConfig.empty(), ALICE));
		assertThat(this.registry.find(id).orElseThrow().displayName()).isEqualTo("Acme Travel");
		assertThat(this.registry.audit(id)).hasSize(1);
		assertThat(this.events).hasSize(1);
	}

	@Test
	void invalidConfigIsRefusedBeforeAnythingIsWritten() {
		TenantId id = id("acme");
		TenantConfig invalid = new TenantConfig("standard", null, null, List.of("Not a domain"), null, null);
		InvalidTenantConfigException ex = catchThrowableOfType(InvalidTenantConfigException.class,
				() -> this.registry.create(id, "Acme", invalid, ALICE));
		assertThat(ex.path()).isEqualTo("emailDomains[0]");
		assertThat(this.registry.find(id)).isEmpty();
		assertThat(this.registry.audit(id)).isEmpty();
		this.registry.create(id, "Acme", CONFIG, ALICE);
		assertThatExceptionOfType(InvalidTenantConfigException.class)
			.isThrownBy(() -> this.registry.update(id, 0, "Acme", invalid, ALICE));
		assertThat(this.registry.find(id).orElseThrow()).extracting(Tenant::version, Tenant::config)
			.containsExactly(0L, CONFIG);
	}

	@Test
	void updateReplacesConfigAndIncrementsVersion() {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		Tenant updated = this.registry.update(id, 0, "Acme Travel Ltd", PREMIUM,
				new TenantChange("bob@example.com", "req-2"));
		assertThat(updated).isEqualTo(new Tenant(id, "Acme Travel Ltd", TenantStatus.ACTIVE, PREMIUM, 1));
		assertThat(this.registry.find(id)).contains(updated);
		Tenant renamedNot = this.registry.update(id, 1, null, CONFIG, ALICE);
		assertThat(renamedNot.displayName()).as("null keeps the display name").isEqualTo("Acme Travel Ltd");
		assertThat(renamedNot.version()).isEqualTo(2);
		assertThat(this.events).extracting(TenantChangedEvent::action, TenantChangedEvent::version)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("created", 0L),
					org.assertj.core.groups.Tuple.tuple("updated", 1L),
					org.assertj.core.groups.Tuple.tuple("updated", 2L));

		TenantAuditEntry entry = this.registry.audit(id).get(1);
		assertThat(entry.action()).isEqualTo("updated");
		assertThat(entry.actor()).isEqualTo("bob@example.com");
		assertThat(entry.requestId()).isEqualTo("req-2");
		assertThat(entry.version()).isEqualTo(1);
		assertThat(config(JSON.readTree(entry.before()))).isEqualTo(CONFIG);
		assertThat(JSON.readTree(entry.before()).get("displayName").asString()).isEqualTo("Acme Travel");
		assertThat(config(JSON.readTree(entry.after()))).isEqualTo(PREMIUM);
		assertThat(JSON.readTree(entry.after()).get("displayName").asString()).isEqualTo("Acme Travel Ltd");
	}

	@Test
	void updateAtAStaleVersionIsRefusedAndChangesNothing() {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		this.registry.update(id, 0, "Acme Travel", PREMIUM, ALICE);
		TenantRegistryException.StaleVersion stale = catchThrowableOfType(TenantRegistryException.StaleVersion.class,
				() -> this.registry.update(id, 0, "Lost update", CONFIG, ALICE));
		assertThat(stale.currentVersion()).isEqualTo(1);
		assertThat(this.registry.find(id).orElseThrow())
			.extracting(Tenant::displayName, Tenant::config, Tenant::version)
			.containsExactly("Acme Travel", PREMIUM, 1L);
		assertThat(this.registry.audit(id)).extracting(TenantAuditEntry::action).containsExactly("created", "updated");
		assertThatExceptionOfType(TenantRegistryException.StaleVersion.class)
			.isThrownBy(() -> this.registry.update(id, 7, "Future", CONFIG, ALICE));
		assertThatExceptionOfType(TenantRegistryException.StaleVersion.class)
			.isThrownBy(() -> this.registry.changeStatus(id, TenantStatus.SUSPENDED, 0L, ALICE));
		assertThat(this.events).hasSize(2);
	}

	@Test
	void updateOfAnUnknownTenantIsNotFound() {
		assertThatExceptionOfType(TenantRegistryException.NotFound.class)
			.isThrownBy(() -> this.registry.update(id("nobody"), 0, "x", CONFIG, ALICE));
		assertThatExceptionOfType(TenantRegistryException.NotFound.class)
			.isThrownBy(() -> this.registry.changeStatus(id("nobody"), TenantStatus.SUSPENDED, null, ALICE));
	}

	@Test
	void suspendAndResume() {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		Tenant suspended = this.registry.changeStatus(id, TenantStatus.SUSPENDED, 0L, ALICE);
		assertThat(suspended.status()).isEqualTo(TenantStatus.SUSPENDED);
		assertThat(suspended.version()).isEqualTo(1);
		assertThat(suspended.config()).isEqualTo(CONFIG);
		assertThat(this.registry.find(id)).contains(suspended);
		assertThatExceptionOfType(TenantRegistryException.InvalidTransition.class)
			.isThrownBy(() -> this.registry.changeStatus(id, TenantStatus.SUSPENDED, null, ALICE));
		Tenant resumed = this.registry.changeStatus(id, TenantStatus.ACTIVE, null, ALICE);
		assertThat(resumed.status()).isEqualTo(TenantStatus.ACTIVE);
		assertThat(resumed.version()).isEqualTo(2);
		assertThatExceptionOfType(TenantRegistryException.InvalidTransition.class)
			.isThrownBy(() -> this.registry.changeStatus(id, TenantStatus.ACTIVE, null, ALICE));
		assertThat(this.registry.audit(id)).extracting(TenantAuditEntry::action)
			.containsExactly("created", "suspended", "resumed");
		TenantAuditEntry suspension = this.registry.audit(id).get(1);
		assertThat(JSON.readTree(suspension.before()).get("status").asString()).isEqualTo("ACTIVE");
		assertThat(JSON.readTree(suspension.after()).get("status").asString()).isEqualTo("SUSPENDED");
		assertThat(this.events).extracting(TenantChangedEvent::action)
			.containsExactly("created", "suspended", "resumed");
		Tenant updatedWhileSuspended = this.registry.update(id, 2, null, PREMIUM, ALICE);
		assertThat(updatedWhileSuspended.status()).isEqualTo(TenantStatus.ACTIVE);
	}

	@Test
	void deleteIsSoftAndFinal() {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		this.registry.changeStatus(id, TenantStatus.SUSPENDED, null, ALICE);
		Tenant deleted = this.registry.changeStatus(id, TenantStatus.DELETED, 1L, new TenantChange("carol", "req-9"));
		assertThat(deleted.status()).isEqualTo(TenantStatus.DELETED);
		assertThat(this.registry.find(id).orElseThrow().status()).isEqualTo(TenantStatus.DELETED);
		assertThat(this.registry.find(id).orElseThrow().isActive()).isFalse();

		// gone for every write, and its id stays taken
		assertThatExceptionOfType(TenantRegistryException.class)
			.isThrownBy(() -> this.registry.changeStatus(id, TenantStatus.ACTIVE, null, ALICE));
		assertThatExceptionOfType(TenantRegistryException.class)
			.isThrownBy(() -> this.registry.changeStatus(id, TenantStatus.DELETED, null, ALICE));
		assertThatExceptionOfType(TenantRegistryException.NotFound.class)
			.isThrownBy(() -> this.registry.update(id, 2, "Back", CONFIG, ALICE));
		assertThatExceptionOfType(TenantRegistryException.AlreadyExists.class)
			.isThrownBy(() -> this.registry.create(id, "Acme again", CONFIG, ALICE));
		assertThat(this.registry.find(id).orElseThrow()).isEqualTo(deleted);

		// the audit trail survives
		List<TenantAuditEntry> audit = this.registry.audit(id);
		assertThat(audit).extracting(TenantAuditEntry::action).containsExactly("created", "suspended", "deleted");
		assertThat(audit.get(2).actor()).isEqualTo("carol");
		assertThat(audit.get(2).requestId()).isEqualTo("req-9");
		assertThat(JSON.readTree(audit.get(2).after()).get("status").asString()).isEqualTo("DELETED");
		assertThat(this.events).extracting(TenantChangedEvent::action)
			.containsExactly("created", "suspended", "deleted");
	}

	@Test
	void deletedTenantsAreListedOnlyWhenAskedFor() {
		for (String name : List.of("a", "b", "c", "d", "e")) {
			this.registry.create(id(name), name, CONFIG, ALICE);
		}
		this.registry.changeStatus(id("b"), TenantStatus.DELETED, null, ALICE);
		this.registry.changeStatus(id("d"), TenantStatus.SUSPENDED, null, ALICE);
		List<TenantId> live = mine(this.registry.list(null, 0, 1000).content());
		assertThat(live).containsExactly(id("a"), id("c"), id("d"), id("e"));
		assertThat(mine(this.registry.list(TenantStatus.DELETED, 0, 1000).content())).containsExactly(id("b"));
		assertThat(mine(this.registry.list(TenantStatus.SUSPENDED, 0, 1000).content())).containsExactly(id("d"));
		assertThat(mine(this.registry.findAll())).containsExactly(id("a"), id("b"), id("c"), id("d"), id("e"));
	}

	@Test
	void listIsPaged() {
		String otherSchema = Databases.uniqueName("paging");
		RegistryMigrations.migrate(dataSource, otherSchema);
		JdbcTenantRegistry paging = new JdbcTenantRegistry(dataSource, otherSchema, null);
		for (int i = 0; i < 5; i++) {
			paging.create(TenantId.of("t" + i), "T" + i, TenantConfig.empty(), ALICE);
		}
		TenantPage first = paging.list(null, 0, 2);
		assertThat(first.total()).isEqualTo(5);
		assertThat(first.content()).extracting(Tenant::id).containsExactly(TenantId.of("t0"), TenantId.of("t1"));
		assertThat(paging.list(null, 2, 2).content()).extracting(Tenant::id).containsExactly(TenantId.of("t4"));
		assertThat(paging.list(null, 3, 2).content()).isEmpty();
		assertThat(paging.list(TenantStatus.ACTIVE, 1, 3)).satisfies((page) -> assertThat(page.content()).hasSize(2))
			.satisfies((page) -> assertThat(page.total()).isEqualTo(5));
	}

	@Test
	void auditRowsCannotBeUpdatedOrDeleted() {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		this.registry.update(id, 0, "Acme", PREMIUM, ALICE);
		List<TenantAuditEntry> before = this.registry.audit(id);
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc.sql("update " + schema + ".tenant_audit set actor = 'mallory' where tenant_id = ?")
				.param(id.value())
				.update())
			.withMessageContaining("append-only");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc.sql("delete from " + schema + ".tenant_audit where tenant_id = ?")
				.param(id.value())
				.update())
			.withMessageContaining("append-only");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc.sql("truncate " + schema + ".tenant_audit").update())
			.withMessageContaining("append-only");
		assertThat(this.registry.audit(id)).isEqualTo(before);
	}

	@Test
	void everyChangeIsNotifiedWithTheTenantId() throws Exception {
		TenantId id = id("acme");
		try (Connection listener = DriverManager.getConnection(TestServices.postgres().jdbcUrl())) {
			try (Statement statement = listener.createStatement()) {
				statement.execute("LISTEN " + JdbcTenantRegistry.CHANNEL);
			}
			PGConnection pg = listener.unwrap(PGConnection.class);
			this.registry.create(id, "Acme", CONFIG, ALICE);
			this.registry.update(id, 0, "Acme", PREMIUM, ALICE);
			assertThatExceptionOfType(TenantRegistryException.StaleVersion.class)
				.isThrownBy(() -> this.registry.update(id, 0, "Acme", PREMIUM, ALICE));
			this.registry.changeStatus(id, TenantStatus.SUSPENDED, null, ALICE);
			List<String> received = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (received.size() < 3 && System.nanoTime() < deadline) {
				PGNotification[] notifications = pg.getNotifications(100);
				if (notifications != null) {
					for (PGNotification notification : notifications) {
						if (notification.getParameter().startsWith(this.prefix)) {
							assertThat(notification.getName()).isEqualTo(JdbcTenantRegistry.CHANNEL);
							received.add(notification.getParameter());
						}
					}
				}
			}
			PGNotification[] extra = pg.getNotifications(200);
			if (extra != null) {
				for (PGNotification notification : extra) {
					if (notification.getParameter().startsWith(this.prefix)) {
						received.add(notification.getParameter());
					}
				}
			}
			assertThat(received).as("created, updated, suspended; nothing for the refused update")
				.containsExactly(id.value(), id.value(), id.value());
		}
	}

	@Test
	void twentyConcurrentUpdatesAtOneVersionLetExactlyOneWin() throws Exception {
		TenantId id = id("acme");
		this.registry.create(id, "Acme Travel", CONFIG, ALICE);
		int writers = 20;
		try (HikariDataSource pool = Databases.hikari(TestServices.postgres().jdbcUrl(), writers,
				"registry-concurrency", (config) -> config.setMinimumIdle(writers))) {
			awaitIdle(pool, writers);
			JdbcTenantRegistry concurrent = new JdbcTenantRegistry(pool, schema, this.events::add);
			CyclicBarrier start = new CyclicBarrier(writers);
			AtomicInteger successes = new AtomicInteger();
			AtomicInteger stale = new AtomicInteger();
			List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
			ExecutorService threads = Executors.newFixedThreadPool(writers);
			try {
				List<CompletableFuture<Void>> runs = new ArrayList<>();
				for (int i = 0; i < writers; i++) {
					String name = "Writer " + i;
					runs.add(CompletableFuture.runAsync(() -> {
						try {
							start.await(10, TimeUnit.SECONDS);
							concurrent.update(id, 0, name, PREMIUM, new TenantChange(name, null));
							successes.incrementAndGet();
						}
						catch (TenantRegistryException.StaleVersion ex) {
							assertThat(ex.currentVersion()).isEqualTo(1);
							stale.incrementAndGet();
						}
						catch (Throwable ex) {
							unexpected.add(ex);
						}
					}, threads));
				}
				CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(unexpected).isEmpty();
			assertThat(successes).hasValue(1);
			assertThat(stale).hasValue(writers - 1);
			Tenant stored = this.registry.find(id).orElseThrow();
			assertThat(stored.version()).isEqualTo(1);
			List<TenantAuditEntry> updates = this.registry.audit(id)
				.stream()
				.filter((entry) -> entry.action().equals("updated"))
				.toList();
			assertThat(updates).hasSize(1);
			assertThat(updates.get(0).actor()).isEqualTo(stored.displayName());
			assertThat(this.events).filteredOn((event) -> event.action().equals("updated")).hasSize(1);
		}
	}

	private static TenantConfig config(JsonNode snapshot) {
		return TenantConfigJson.fromTree(snapshot.get("config"), "config");
	}

	/**
	 * Give the pool time to open its connections, so the writers really run at once (best
	 * effort).
	 */
	private static void awaitIdle(HikariDataSource pool, int connections) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while ((pool.getHikariPoolMXBean() == null || pool.getHikariPoolMXBean().getIdleConnections() < connections)
				&& System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	private List<TenantId> mine(List<Tenant> tenants) {
		return tenants.stream().map(Tenant::id).filter((id) -> id.value().startsWith(this.prefix + "-")).toList();
	}

	private TenantId id(String name) {
		return TenantId.of(this.prefix + "-" + name);
	}

}

package dev.tenancy.registry.jdbc;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantChanges;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The changes feed is read by cursor (the audit id), so audit ids must become visible in
 * id order: a reader that has passed id N never looks below it again, and a change whose
 * id was taken before N but committed after it would never be delivered.
 */
class ChangesFeedCommitOrderTest {

	static final TenantChange OPS = new TenantChange("ops", null);

	static String schema;

	static HikariDataSource dataSource;

	static JdbcClient jdbc;

	@BeforeAll
	static void migrate() {
		schema = Databases.uniqueName("feedorder");
		dataSource = Databases.hikari(TestServices.postgres().jdbcUrl(), 8, "feed-order-test");
		RegistryMigrations.migrate(dataSource, schema);
		jdbc = JdbcClient.create(dataSource);
	}

	@AfterAll
	static void close() {
		dataSource.close();
	}

	@Test
	void aChangeWaitsForAnEarlierUncommittedOneSoTheFeedNeverSkipsIt() throws Exception {
		JdbcTenantRegistry registry = new JdbcTenantRegistry(dataSource, schema, null);
		registry.create(TenantId.of("early"), "Early", TenantConfig.empty(), OPS);
		registry.create(TenantId.of("late"), "Late", TenantConfig.empty(), OPS);
		long cursor = registry.latestChange();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (Connection other = dataSource.getConnection()) {
			// Another writer (any path: plain SQL here) appends to the audit and stays
			// open.
			other.setAutoCommit(false);
			try (Statement statement = other.createStatement()) {
				statement.executeUpdate("insert into " + schema + ".tenant_audit (tenant_id, action, actor, version) "
						+ "values ('early', 'updated', 'other-writer', 1)");
			}
			CompletableFuture<Void> registryWrite = CompletableFuture
				.runAsync(() -> registry.update(TenantId.of("late"), 0, null, TenantConfig.empty(), OPS), executor);
			// the registry's write waits for the open one (on the lock), instead of
			// taking a
			// later id and committing first
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (waitingOnTheLock() == 0 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(waitingOnTheLock()).as("sessions waiting on the changes lock").isOne();
			assertThat(registry.changesAfter(cursor, 100).changes()).as("nothing committed yet").isEmpty();
			assertThat(registryWrite).isNotDone();
			other.commit();
			registryWrite.get(10, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		List<TenantChanges.Change> changes = registry.changesAfter(cursor, 100).changes();
		assertThat(changes).extracting(TenantChanges.Change::tenant).containsExactly("early", "late");
	}

	private static long waitingOnTheLock() {
		return jdbc
			.sql("select count(*) from pg_stat_activity where datname = current_database() "
					+ "and wait_event_type = 'Lock' and wait_event = 'advisory'")
			.query(Long.class)
			.single();
	}

	@Test
	void aReaderFollowingTheFeedDuringConcurrentWritesSeesEveryChange() throws Exception {
		JdbcTenantRegistry registry = new JdbcTenantRegistry(dataSource, schema, null);
		int writers = 6;
		int writesEach = 15;
		for (int w = 0; w < writers; w++) {
			registry.create(TenantId.of("writer-" + w), "Writer " + w, TenantConfig.empty(), OPS);
		}
		long start = registry.latestChange();
		AtomicBoolean writing = new AtomicBoolean(true);
		Set<Long> seen = new TreeSet<>();
		CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
			long cursor = start;
			while (true) {
				boolean last = !writing.get();
				TenantChanges page = registry.changesAfter(cursor, 1000);
				page.changes().forEach((change) -> seen.add(change.cursor()));
				cursor = page.cursor();
				if (last && page.changes().isEmpty()) {
					return;
				}
			}
		});
		ExecutorService executor = Executors.newFixedThreadPool(writers);
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			TenantId tenant = TenantId.of("writer-" + w);
			writes.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < writesEach; i++) {
					registry.update(tenant, i, null, TenantConfig.empty(), OPS);
				}
			}, executor));
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		executor.shutdown();
		writing.set(false);
		reader.get(60, TimeUnit.SECONDS);
		List<Long> all = jdbc.sql("select id from " + schema + ".tenant_audit where id > ? order by id")
			.param(start)
			.query(Long.class)
			.list();
		assertThat(all).hasSize(writers * writesEach);
		assertThat(seen).as("every change the followed feed delivered").containsExactlyElementsOf(all);
	}

}

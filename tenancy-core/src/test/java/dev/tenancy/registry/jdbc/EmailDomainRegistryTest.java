package dev.tenancy.registry.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.jdbc.TenantImportReport.Outcome;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tenants by e-mail domain in the PostgreSQL registry: the lookup, and that two tenants
 * never own one domain, whatever writes it (create, update, the importer) and however
 * concurrently. Each test uses domains and tenant ids of its own.
 */
class EmailDomainRegistryTest {

	static final TenantChange OPS = new TenantChange("ops@example.com", "req-domains");

	static String schema;

	static HikariDataSource dataSource;

	static JdbcClient jdbc;

	JdbcTenantRegistry registry;

	String prefix;

	@BeforeAll
	static void migrate() {
		schema = Databases.uniqueName("domains");
		dataSource = Databases.hikari(TestServices.postgres().jdbcUrl(), 12, "email-domain-test");
		RegistryMigrations.migrate(dataSource, schema);
		jdbc = JdbcClient.create(dataSource);
	}

	@AfterAll
	static void close() {
		dataSource.close();
	}

	@BeforeEach
	void registry(TestInfo test) {
		this.registry = new JdbcTenantRegistry(dataSource, schema, null);
		String name = test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
		this.prefix = name.substring(0, Math.min(40, name.length()));
	}

	@Test
	void aDomainFindsItsTenantWhateverItsCaseOrTrailingDot() {
		TenantId acme = id("acme");
		Tenant created = this.registry.create(acme, "Acme", domains(domain("acme"), domain("acme-mail")), OPS);

		assertThat(this.registry.findByEmailDomain(domain("acme"))).contains(created);
		assertThat(this.registry.findByEmailDomain(domain("acme-mail"))).contains(created);
		assertThat(this.registry.findByEmailDomain(domain("acme").toUpperCase())).contains(created);
		assertThat(this.registry.findByEmailDomain(domain("acme") + ".")).contains(created);
		assertThat(this.registry.findByEmailDomain("Mail." + domain("acme"))).isEmpty();
		assertThat(this.registry.findByEmailDomain(domain("nobody"))).isEmpty();
	}

	@Test
	void inputThatIsNoDomainFindsNothing() {
		this.registry.create(id("acme"), "Acme", domains(domain("acme")), OPS);
		for (String hostile : new String[] { null, "", ".", domain("acme") + "..", " " + domain("acme"),
				domain("acme") + " ", "%", "_", "*." + domain("acme"), domain("acme") + "' or '1'='1",
				"support@" + domain("acme"), "a".repeat(64) + ".example", "x.".repeat(200) + "example",
				domain("acme") + "\u0000", "ａcme.example" }) {
			assertThat(this.registry.findByEmailDomain(hostile)).as("%s", hostile).isEmpty();
		}
	}

	@Test
	void aSuspendedTenantIsStillFoundWithItsStatus() {
		TenantId acme = id("acme");
		this.registry.create(acme, "Acme", domains(domain("acme")), OPS);
		this.registry.changeStatus(acme, TenantStatus.SUSPENDED, null, OPS);

		assertThat(this.registry.findByEmailDomain(domain("acme")))
			.hasValueSatisfying((tenant) -> assertThat(tenant.status()).isEqualTo(TenantStatus.SUSPENDED));
	}

	@Test
	void aCreateClaimingATakenDomainIsRefusedNamingItAndWritesNothing() {
		TenantId acme = id("acme");
		TenantId globex = id("globex");
		this.registry.create(acme, "Acme", domains(domain("acme")), OPS);
		long audits = auditRows();

		TenantRegistryException.EmailDomainTaken taken = catchThrowableOfType(
				TenantRegistryException.EmailDomainTaken.class,
				() -> this.registry.create(globex, "Globex", domains(domain("globex"), domain("acme")), OPS));

		assertThat(taken.domain()).isEqualTo(domain("acme"));
		assertThat(taken.owner()).isEqualTo(acme.value());
		assertThat(taken.getMessage()).contains(domain("acme"), acme.value());
		assertThat(this.registry.find(globex)).isEmpty();
		assertThat(this.registry.findByEmailDomain(domain("globex"))).isEmpty();
		assertThat(this.registry.findByEmailDomain(domain("acme")).orElseThrow().id()).isEqualTo(acme);
		assertThat(auditRows()).isEqualTo(audits);
	}

	@Test
	void anUpdateClaimingATakenDomainIsRefusedAndChangesNothing() {
		TenantId acme = id("acme");
		TenantId globex = id("globex");
		this.registry.create(acme, "Acme", domains(domain("acme")), OPS);
		Tenant before = this.registry.create(globex, "Globex", domains(domain("globex")), OPS);

		assertThatExceptionOfType(TenantRegistryException.EmailDomainTaken.class)
			.isThrownBy(() -> this.registry.update(globex, 0, "Globex", domains(domain("globex"), domain("acme")), OPS))
			.satisfies((ex) -> assertThat(ex.owner()).isEqualTo(acme.value()));

		assertThat(this.registry.find(globex)).contains(before);
		assertThat(this.registry.findByEmailDomain(domain("globex"))).contains(before);
		assertThat(ownedDomains(globex)).containsExactly(domain("globex"));
	}

	@Test
	void aDomainDroppedByOneTenantCanBeClaimedByAnother() {
		TenantId acme = id("acme");
		TenantId globex = id("globex");
		this.registry.create(acme, "Acme", domains(domain("shared"), domain("acme")), OPS);
		this.registry.create(globex, "Globex", domains(domain("globex")), OPS);

		this.registry.update(acme, 0, "Acme", domains(domain("acme")), OPS);
		Tenant claimed = this.registry.update(globex, 0, "Globex", domains(domain("globex"), domain("shared")), OPS);

		assertThat(this.registry.findByEmailDomain(domain("shared"))).contains(claimed);
		assertThat(ownedDomains(acme)).containsExactly(domain("acme"));
		// an update that keeps its own domains is no conflict with itself
		this.registry.update(globex, 1, "Globex Corp", domains(domain("shared"), domain("globex")), OPS);
		assertThat(ownedDomains(globex)).containsExactly(domain("globex"), domain("shared"));
	}

	@Test
	void deletingATenantFreesItsDomains() {
		TenantId acme = id("acme");
		TenantId globex = id("globex");
		this.registry.create(acme, "Acme", domains(domain("acme")), OPS);
		this.registry.changeStatus(acme, TenantStatus.SUSPENDED, null, OPS);
		assertThat(ownedDomains(acme)).containsExactly(domain("acme"));

		this.registry.changeStatus(acme, TenantStatus.DELETED, null, OPS);

		assertThat(this.registry.findByEmailDomain(domain("acme"))).isEmpty();
		assertThat(ownedDomains(acme)).isEmpty();
		Tenant globexTenant = this.registry.create(globex, "Globex", domains(domain("acme")), OPS);
		assertThat(this.registry.findByEmailDomain(domain("acme"))).contains(globexTenant);
	}

	@Test
	void concurrentCreatesClaimingOneDomainLetExactlyOneWin() throws Exception {
		int writers = 8;
		CyclicBarrier start = new CyclicBarrier(writers);
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		try {
			List<Future<String>> outcomes = new ArrayList<>();
			for (int i = 0; i < writers; i++) {
				TenantId tenant = id("racer" + i);
				outcomes.add(pool.submit(
						claim(start, () -> this.registry.create(tenant, "Racer", domains(domain("contested")), OPS))));
			}
			List<String> results = new ArrayList<>();
			for (Future<String> outcome : outcomes) {
				results.add(outcome.get(30, TimeUnit.SECONDS));
			}
			assertThat(results).filteredOn("won"::equals).hasSize(1);
			assertThat(results).filteredOn("taken"::equals).hasSize(writers - 1);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(jdbc.sql("select count(*) from " + schema + ".tenant_email_domain where domain = ?")
			.param(domain("contested"))
			.query(Long.class)
			.single()).isOne();
		Tenant owner = this.registry.findByEmailDomain(domain("contested")).orElseThrow();
		assertThat(jdbc.sql("select count(*) from " + schema + ".tenant where id like ?")
			.param(this.prefix + "-racer%")
			.query(Long.class)
			.single()).as("only the winner was created").isOne();
		assertThat(owner.config().emailDomains()).containsExactly(domain("contested"));
	}

	@Test
	void concurrentUpdatesClaimingOneDomainLetExactlyOneWin() throws Exception {
		int writers = 6;
		List<TenantId> tenants = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			TenantId tenant = id("updater" + i);
			this.registry.create(tenant, "Updater", domains(domain("own" + i)), OPS);
			tenants.add(tenant);
		}
		CyclicBarrier start = new CyclicBarrier(writers);
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		try {
			List<Future<String>> outcomes = new ArrayList<>();
			for (int i = 0; i < writers; i++) {
				TenantId tenant = tenants.get(i);
				String own = domain("own" + i);
				outcomes.add(pool.submit(claim(start, () -> this.registry.update(tenant, 0, "Updater",
						domains(domain("contested-update"), own), OPS))));
			}
			List<String> results = new ArrayList<>();
			for (Future<String> outcome : outcomes) {
				results.add(outcome.get(30, TimeUnit.SECONDS));
			}
			assertThat(results).filteredOn("won"::equals).hasSize(1);
			assertThat(results).filteredOn("taken"::equals).hasSize(writers - 1);
		}
		finally {
			pool.shutdownNow();
		}
		Tenant owner = this.registry.findByEmailDomain(domain("contested-update")).orElseThrow();
		assertThat(owner.version()).isOne();
		for (TenantId tenant : tenants) {
			if (!tenant.equals(owner.id())) {
				assertThat(this.registry.find(tenant).orElseThrow().version()).isZero();
				assertThat(ownedDomains(tenant)).doesNotContain(domain("contested-update"));
			}
		}
	}

	@Test
	void theImporterRefusesAFileClaimingADomainAnotherTenantKeeps(@TempDir Path dir) throws Exception {
		TenantId acme = id("acme");
		this.registry.create(acme, "Acme", domains(domain("acme")), OPS);
		String globex = id("globex").value();
		Files.writeString(dir.resolve(globex + ".yaml"), """
				displayName: Globex
				config:
				  emailDomains: [%s]
				""".formatted(domain("acme")));

		TenantImportReport report = new TenantImporter(this.registry).importDirectory(dir, false, "importer");

		assertThat(report.written()).isFalse();
		assertThat(report.entries()).singleElement().satisfies((entry) -> {
			assertThat(entry.outcome()).isEqualTo(Outcome.INVALID);
			assertThat(entry.details()).singleElement()
				.asString()
				.contains(domain("acme"), acme.value(), "already belongs");
		});
		assertThat(this.registry.find(TenantId.of(globex))).isEmpty();
	}

	@Test
	void tenantsOfOneImportCanSwapTheirDomains(@TempDir Path dir) throws Exception {
		TenantId acme = id("acme");
		TenantId globex = id("globex");
		this.registry.create(acme, "Acme", domains(domain("one")), OPS);
		this.registry.create(globex, "Globex", domains(domain("two")), OPS);
		Files.writeString(dir.resolve(acme.value() + ".yaml"),
				"displayName: Acme\nconfig:\n  emailDomains: [%s]\n".formatted(domain("two")));
		Files.writeString(dir.resolve(globex.value() + ".yaml"),
				"displayName: Globex\nconfig:\n  emailDomains: [%s]\n".formatted(domain("one")));

		TenantImportReport report = new TenantImporter(this.registry).importDirectory(dir, false, "importer");

		assertThat(report.written()).isTrue();
		assertThat(this.registry.findByEmailDomain(domain("two")).orElseThrow().id()).isEqualTo(acme);
		assertThat(this.registry.findByEmailDomain(domain("one")).orElseThrow().id()).isEqualTo(globex);
	}

	@Test
	void twoImportedFilesClaimingOneDomainAreBothRefused(@TempDir Path dir) throws Exception {
		for (String name : List.of("acme", "globex")) {
			Files.writeString(dir.resolve(id(name).value() + ".yaml"),
					"displayName: X\nconfig:\n  emailDomains: [%s]\n".formatted(domain("both")));
		}

		TenantImportReport report = new TenantImporter(this.registry).importDirectory(dir, false, "importer");

		assertThat(report.written()).isFalse();
		assertThat(report.entries()).hasSize(2)
			.allSatisfy((entry) -> assertThat(entry.outcome()).isEqualTo(Outcome.INVALID));
		assertThat(this.registry.findByEmailDomain(domain("both"))).isEmpty();
	}

	@Test
	void theMigrationIndexesExistingTenantsFirstClaimantByIdWinning() {
		String legacy = Databases.uniqueName("domains_legacy");
		Flyway.configure()
			.dataSource(dataSource)
			.schemas(legacy)
			.defaultSchema(legacy)
			.table(RegistryMigrations.HISTORY_TABLE)
			.locations(RegistryMigrations.LOCATION)
			.target("2")
			.load()
			.migrate();
		insertLegacy(legacy, "alpha", "ACTIVE", "{\"emailDomains\":[\"shared.example\",\"alpha.example\"]}");
		insertLegacy(legacy, "beta", "SUSPENDED", "{\"emailDomains\":[\"shared.example\",\"beta.example\"]}");
		insertLegacy(legacy, "gamma", "DELETED", "{\"emailDomains\":[\"gamma.example\"]}");
		insertLegacy(legacy, "delta", "ACTIVE", "{\"emailDomains\":[\"not a domain\",\"Delta.Example\"]}");
		insertLegacy(legacy, "epsilon", "ACTIVE", "{\"emailDomains\":\"epsilon.example\"}");

		RegistryMigrations.migrate(dataSource, legacy);

		JdbcTenantRegistry migrated = new JdbcTenantRegistry(dataSource, legacy, null);
		assertThat(migrated.findByEmailDomain("shared.example").orElseThrow().id().value()).isEqualTo("alpha");
		assertThat(migrated.findByEmailDomain("beta.example").orElseThrow().id().value()).isEqualTo("beta");
		assertThat(migrated.findByEmailDomain("gamma.example")).isEmpty();
		assertThat(jdbc.sql("select domain from " + legacy + ".tenant_email_domain order by domain")
			.query(String.class)
			.list()).containsExactly("alpha.example", "beta.example", "delta.example", "shared.example");
	}

	private static void insertLegacy(String legacy, String id, String status, String config) {
		jdbc.sql("insert into " + legacy + ".tenant (id, display_name, status, config) values (?, ?, ?, ?::jsonb)")
			.params(id, id, status, config)
			.update();
	}

	private static Callable<String> claim(CyclicBarrier start, Runnable write) {
		return () -> {
			start.await(10, TimeUnit.SECONDS);
			try {
				write.run();
				return "won";
			}
			catch (TenantRegistryException.EmailDomainTaken ex) {
				return "taken";
			}
		};
	}

	private List<String> ownedDomains(TenantId tenant) {
		return jdbc.sql("select domain from " + schema + ".tenant_email_domain where tenant_id = ? order by domain")
			.param(tenant.value())
			.query(String.class)
			.list();
	}

	private long auditRows() {
		return jdbc.sql("select count(*) from " + schema + ".tenant_audit").query(Long.class).single();
	}

	private TenantId id(String name) {
		return TenantId.of(this.prefix + "-" + name);
	}

	private String domain(String name) {
		return name + "." + this.prefix + ".example";
	}

	private static TenantConfig domains(String... domains) {
		return new TenantConfig("standard", null, List.of(), List.of(domains), null, null);
	}

}

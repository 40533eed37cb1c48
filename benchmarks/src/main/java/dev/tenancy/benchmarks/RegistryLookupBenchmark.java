package dev.tenancy.benchmarks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.RegistryMigrations;

/**
 * Tenant lookups against the PostgreSQL registry holding 10,000 tenants: through the
 * cache (the request path's normal case) and straight from the database (a cache miss).
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RegistryLookupBenchmark {

	static final int TENANTS = 10_000;

	private BenchDatabase database;

	private JdbcTenantRegistry jdbc;

	private CachingTenantRegistry cached;

	private TenantId[] ids;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.database = new BenchDatabase();
		RegistryMigrations.migrate(this.database.dataSource(), "tenancy");
		this.jdbc = new JdbcTenantRegistry(this.database.dataSource(), "tenancy", null);
		this.ids = new TenantId[TENANTS];
		TenantConfig config = new TenantConfig("standard",
				new TenantConfig.RateLimit(1000, Duration.ofMinutes(1), 1000, null, null), java.util.List.of("trips"),
				java.util.List.of("agency.example"), "en-GB", java.util.Map.of("brandColour", "#0a5"));
		for (int i = 0; i < TENANTS; i++) {
			this.ids[i] = TenantId.of("agency-" + i);
			this.jdbc.create(this.ids[i], "Agency " + i, config, new TenantChange("benchmark", null));
		}
		this.cached = new CachingTenantRegistry(this.jdbc, TENANTS, Duration.ofMinutes(10), Duration.ofMinutes(15));
		for (TenantId id : this.ids) {
			this.cached.find(id);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws Exception {
		this.database.close();
	}

	@Benchmark
	public Tenant cachedLookup() {
		return this.cached.find(this.ids[ThreadLocalRandom.current().nextInt(TENANTS)]).orElseThrow();
	}

	@Benchmark
	public Tenant uncachedLookup() {
		return this.jdbc.find(this.ids[ThreadLocalRandom.current().nextInt(TENANTS)]).orElseThrow();
	}

}

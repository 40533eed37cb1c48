package dev.tenancy.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.file.TenantFile;
import dev.tenancy.registry.file.TenantFileReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tenants by e-mail domain outside the database: the syntax, the default lookup, the
 * in-memory registry's uniqueness, and the cache in front of any registry.
 */
class EmailDomainLookupTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	@Test
	void domainsAreNormalisedAsMailDoesAndEverythingElseIsNoDomain() {
		assertThat(EmailDomains.normalize("Acme-Travel.EXAMPLE.")).contains("acme-travel.example");
		assertThat(EmailDomains.normalize("xn--bcher-kva.example")).contains("xn--bcher-kva.example");
		for (String hostile : new String[] { null, "", ".", "example", "acme..example", ".acme.example",
				"acme.example..", "-acme.example", "acme-.example", "acme_travel.example", "acme.example ",
				"a@acme.example", "bücher.example", "a".repeat(64) + ".example", "a.".repeat(127) + "example",
				"acme.example\n" }) {
			assertThat(EmailDomains.normalize(hostile)).as("%s", hostile).isEmpty();
		}
		assertThat(EmailDomains.isValid("Acme.example")).isFalse();
		assertThat(EmailDomains.isValid("acme.example.")).isFalse();
	}

	@Test
	void theDefaultLookupScansTheTenants() {
		TenantRegistry registry = new TenantRegistry() {

			@Override
			public Optional<Tenant> find(TenantId id) {
				return findAll().stream().filter((tenant) -> tenant.id().equals(id)).findFirst();
			}

			@Override
			public List<Tenant> findAll() {
				return List.of(tenant(ACME, TenantStatus.SUSPENDED, "acme.example"), tenant(GLOBEX, "globex.example"));
			}

		};

		assertThat(registry.findByEmailDomain("ACME.example.")).hasValueSatisfying((tenant) -> {
			assertThat(tenant.id()).isEqualTo(ACME);
			assertThat(tenant.status()).isEqualTo(TenantStatus.SUSPENDED);
		});
		assertThat(registry.findByEmailDomain("globex.example")).map(Tenant::id).contains(GLOBEX);
		assertThat(registry.findByEmailDomain("initech.example")).isEmpty();
		assertThat(registry.findByEmailDomain("acme example")).isEmpty();
	}

	@Test
	void anInMemoryRegistryRefusesTwoTenantsClaimingOneDomain() {
		assertThatExceptionOfType(TenantRegistryException.EmailDomainTaken.class)
			.isThrownBy(() -> new InMemoryTenantRegistry(
					List.of(tenant(GLOBEX, "shared.example"), tenant(ACME, "acme.example", "shared.example"))))
			.satisfies((ex) -> {
				assertThat(ex.domain()).isEqualTo("shared.example");
				assertThat(ex.owner()).isEqualTo("acme");
			});
		// a deleted tenant claims nothing
		InMemoryTenantRegistry registry = new InMemoryTenantRegistry(
				List.of(tenant(ACME, TenantStatus.DELETED, "shared.example"), tenant(GLOBEX, "shared.example")));
		assertThat(registry.findByEmailDomain("Shared.Example")).map(Tenant::id).contains(GLOBEX);
	}

	@Test
	void tenantFilesClaimingOneDomainAreAllRejectedNamingEachOther() {
		List<TenantFile> files = TenantFileReader.readAll(Map.of("acme.yaml", yaml("Acme", "shared.example"),
				"globex.yaml", yaml("Globex", "Shared.example"), "initech.yaml", yaml("Initech", "initech.example")));

		assertThat(files).hasSize(3);
		assertThat(files.get(0)).isInstanceOfSatisfying(TenantFile.Invalid.class,
				(invalid) -> assertThat(invalid.reason()).contains("shared.example", "'globex'"));
		assertThat(files.get(1)).isInstanceOf(TenantFile.Invalid.class);
		assertThat(files.get(2)).isInstanceOf(TenantFile.Valid.class);
	}

	private static byte[] yaml(String name, String domain) {
		return ("displayName: " + name + "\nconfig:\n  emailDomains: [" + domain.toLowerCase() + "]\n")
			.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void theCacheAsksTheRegistryOncePerDomain() {
		DomainRegistry delegate = new DomainRegistry();
		delegate.put(tenant(ACME, "acme.example"));
		CachingTenantRegistry cache = cache(delegate, new AtomicLong());

		assertThat(cache.findByEmailDomain("acme.example")).map(Tenant::id).contains(ACME);
		assertThat(cache.findByEmailDomain("ACME.example.")).map(Tenant::id).contains(ACME);
		assertThat(cache.findByEmailDomain("nobody.example")).isEmpty();
		assertThat(cache.findByEmailDomain("nobody.example")).isEmpty();
		assertThat(cache.findByEmailDomain("not a domain")).isEmpty();

		assertThat(delegate.domainLookups()).isEqualTo(2);
	}

	@Test
	void aDomainMovedToAnotherTenantIsAnsweredWithItOnceTheChangesArrive() {
		DomainRegistry delegate = new DomainRegistry();
		delegate.put(tenant(ACME, "moving.example"));
		delegate.put(tenant(GLOBEX, "globex.example"));
		CachingTenantRegistry cache = cache(delegate, new AtomicLong());
		assertThat(cache.findByEmailDomain("moving.example")).map(Tenant::id).contains(ACME);

		delegate.put(tenant(ACME));
		cache.invalidate(ACME);
		assertThat(cache.findByEmailDomain("moving.example")).isEmpty();
		delegate.put(tenant(GLOBEX, "globex.example", "moving.example"));
		cache.invalidate(GLOBEX);

		assertThat(cache.findByEmailDomain("moving.example")).map(Tenant::id).contains(GLOBEX);
	}

	@Test
	void aCachedOwnerThatNoLongerListsTheDomainIsNotTrusted() {
		DomainRegistry delegate = new DomainRegistry();
		delegate.put(tenant(ACME, "moving.example"));
		CachingTenantRegistry cache = cache(delegate, new AtomicLong());
		assertThat(cache.findByEmailDomain("moving.example")).isPresent();

		// the tenant's own change arrives; the domain mapping is checked against it
		delegate.put(tenant(ACME, "acme.example"));
		cache.invalidate(ACME);
		int before = delegate.domainLookups();
		assertThat(cache.findByEmailDomain("moving.example")).isEmpty();
		assertThat(delegate.domainLookups()).isEqualTo(before + 1);
	}

	@Test
	void aSuspensionIsSeenThroughTheDomainLookup() {
		DomainRegistry delegate = new DomainRegistry();
		delegate.put(tenant(ACME, "acme.example"));
		CachingTenantRegistry cache = cache(delegate, new AtomicLong());
		assertThat(cache.findByEmailDomain("acme.example")).map(Tenant::status).contains(TenantStatus.ACTIVE);

		delegate.put(tenant(ACME, TenantStatus.SUSPENDED, "acme.example"));
		cache.invalidate(ACME);

		assertThat(cache.findByEmailDomain("acme.example")).map(Tenant::status).contains(TenantStatus.SUSPENDED);
	}

	@Test
	void whileTheRegistryIsDownAKnownDomainIsServedAndAnUnknownOneFails() {
		DomainRegistry delegate = new DomainRegistry();
		delegate.put(tenant(ACME, "acme.example"));
		AtomicLong clock = new AtomicLong();
		CachingTenantRegistry cache = cache(delegate, clock);
		cache.findByEmailDomain("acme.example");
		clock.addAndGet(Duration.ofMinutes(6).toNanos());
		delegate.down = true;

		assertThat(cache.findByEmailDomain("acme.example")).map(Tenant::id).contains(ACME);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class)
			.isThrownBy(() -> cache.findByEmailDomain("globex.example"));
	}

	private static CachingTenantRegistry cache(TenantRegistry delegate, AtomicLong clock) {
		return new CachingTenantRegistry(delegate, 100, Duration.ofMinutes(5), Duration.ofMinutes(30), clock::get);
	}

	static Tenant tenant(TenantId id, String... domains) {
		return tenant(id, TenantStatus.ACTIVE, domains);
	}

	static Tenant tenant(TenantId id, TenantStatus status, String... domains) {
		return new Tenant(id, id.value(), status, new TenantConfig(null, null, null, List.of(domains), null, null), 0);
	}

	/** A registry that answers domain lookups itself, as the database does. */
	static final class DomainRegistry implements TenantRegistry {

		private final Map<TenantId, Tenant> tenants = new ConcurrentHashMap<>();

		private final AtomicInteger domainLookups = new AtomicInteger();

		volatile boolean down;

		void put(Tenant tenant) {
			this.tenants.put(tenant.id(), tenant);
		}

		int domainLookups() {
			return this.domainLookups.get();
		}

		@Override
		public Optional<Tenant> find(TenantId id) {
			if (this.down) {
				throw new TenantRegistryUnavailableException("down", null);
			}
			return Optional.ofNullable(this.tenants.get(id));
		}

		@Override
		public List<Tenant> findAll() {
			throw new UnsupportedOperationException("the cache must not scan");
		}

		@Override
		public Optional<Tenant> findByEmailDomain(String domain) {
			this.domainLookups.incrementAndGet();
			if (this.down) {
				throw new TenantRegistryUnavailableException("down", null);
			}
			return this.tenants.values()
				.stream()
				.filter((tenant) -> tenant.config().emailDomains().contains(domain))
				.findFirst();
		}

	}

}

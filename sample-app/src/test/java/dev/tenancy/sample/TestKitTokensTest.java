package dev.tenancy.sample;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.sample.trips.Trip;
import dev.tenancy.sample.trips.TripRepository;
import dev.tenancy.test.hygiene.TenantHygiene;
import dev.tenancy.test.isolation.EndpointProbe;
import dev.tenancy.test.isolation.IsolationProbe;
import dev.tenancy.test.isolation.MockMvcTransport;
import dev.tenancy.test.tenant.WithTenant;
import dev.tenancy.test.token.UseTestTokens;

import static dev.tenancy.test.token.TenantRequests.asTenant;
import static dev.tenancy.test.token.TenantRequests.asTenants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The app outside the {@code local} profile, as a resource server of the test kit's
 * issuer ({@link UseTestTokens}): the starter's real decoder accepts the kit's tokens,
 * MockMvc acts as any tenant, and every test is checked for tenant hygiene (nothing left
 * in the context, the MDC or a pooled connection; no trip SQL without a tenant).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@UseTestTokens
@TenantHygiene
class TestKitTokensTest {

	static final String OWNER = "kit-owner";

	static final String INTRUDER = "kit-intruder";

	@Autowired
	MockMvc mvc;

	@Autowired
	TenantAdministration administration;

	@Autowired
	TripRepository trips;

	@Autowired
	PlatformTransactionManager transactionManager;

	@BeforeEach
	void tenantsExist() {
		for (String tenant : new String[] { OWNER, INTRUDER }) {
			try {
				this.administration.create(TenantId.of(tenant), tenant, TenantConfig.empty(),
						new TenantChange("TestKitTokensTest", null));
			}
			catch (TenantRegistryException.AlreadyExists ex) {
				// another test of this JVM made it
			}
		}
	}

	@Test
	void aKitTokenActsForItsTenant() throws Exception {
		this.mvc.perform(get("/api/tenant").with(asTenant(OWNER)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.id").value(OWNER));
	}

	@Test
	void aKitTokenCannotPickAnotherTenantByHeader() throws Exception {
		this.mvc.perform(get("/api/tenant").with(asTenant(OWNER)).header("X-Client-ID", INTRUDER))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.code").value("tenant_mismatch"));
	}

	@Test
	void aMultiTenantTokenPicksOneOfItsTenantsByHeader() throws Exception {
		this.mvc.perform(get("/api/tenant").with(asTenants(OWNER, INTRUDER)).header("X-Client-ID", INTRUDER))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.id").value(INTRUDER));
	}

	@Test
	void tripsStayWithTheirTenantThroughMockMvc() {
		IsolationProbe.between(OWNER, INTRUDER)
			.probe(EndpointProbe.at("/api/trips", MockMvcTransport.of(this.mvc))
				.create("""
						{"name":"Kit probe","destination":"Oslo","startDate":"1900-01-01","endDate":"1900-01-02"}""")
				.marker("Kit probe"))
			.run()
			.assertIsolated();
	}

	@Test
	@WithTenant(OWNER)
	void theRepositoryWorksAsTheAnnotatedTenant() {
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		Trip saved = transaction.execute((status) -> this.trips
			.save(new Trip(UUID.randomUUID(), "KIT-" + UUID.randomUUID().toString().substring(0, 8), "Annotated",
					"Oslo", LocalDate.of(2030, 1, 1), LocalDate.of(2030, 1, 2))));

		Optional<Trip> found = transaction.execute((status) -> this.trips.findById(saved.id()));
		assertThat(found).contains(saved);
	}

}

package dev.tenancy.sample;

import java.net.URI;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.sample.trips.Trip;
import dev.tenancy.sample.trips.TripRepository;
import dev.tenancy.test.isolation.EndpointProbe;
import dev.tenancy.test.isolation.HttpTransport;
import dev.tenancy.test.isolation.IsolationProbe;
import dev.tenancy.test.isolation.IsolationReport;
import dev.tenancy.test.isolation.RepositoryProbe;
import dev.tenancy.test.rls.RowLevelSecurityChecker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trips never cross tenants, proved with the test kit on the running app: over HTTP with
 * the app's own issuer's tokens, in the repository, and in the schema (row-level security
 * forced on every tenant table, a policy on the tenant setting for every command, and an
 * app role that can bypass none of it). {@link BrokenIsolationTest} shows the same checks
 * failing when isolation is broken.
 */
@LocalAppTest
class TripIsolationTest {

	static final String PROBE_TRIP = """
			{"name":"Aaa isolation probe %s","destination":"Oslo","startDate":"1900-01-01","endDate":"1900-01-02"}"""
		.formatted(UUID.randomUUID());

	@LocalServerPort
	int port;

	@Autowired
	TripRepository trips;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	DataSource dataSource;

	@Test
	void tripsStayWithTheirTenantOverHttpAndInTheRepository() {
		Api api = new Api(this.port);
		HttpTransport http = HttpTransport.server(URI.create("http://localhost:" + this.port),
				(tenant) -> Map.of("Authorization", Api.bearer(api.token(tenant + "-client"))));

		IsolationReport report = IsolationProbe.between("acme", "globex")
			.probe(EndpointProbe.at("/api/trips", http).create(PROBE_TRIP).marker("Aaa isolation probe").delete())
			.probe(RepositoryProbe.<UUID>named("TripRepository")
				.inTransaction(new TransactionTemplate(this.transactionManager))
				.create(() -> this.trips
					.save(new Trip(UUID.randomUUID(), "ISO-" + UUID.randomUUID().toString().substring(0, 8),
							"Repository probe", "Oslo", LocalDate.of(1900, 1, 1), LocalDate.of(1900, 1, 2)))
					.id())
				.read(this.trips::findById)
				.listIds(() -> this.trips.findPage(null, 200).stream().map(Trip::id).toList()))
			.run()
			.assertIsolated();

		assertThat(report.probed()).containsExactly("endpoint /api/trips", "TripRepository");
	}

	@Test
	void everyTenantTableIsIsolatedByRowLevelSecurity() {
		RowLevelSecurityChecker.of(this.dataSource).assertSecure();
	}

}

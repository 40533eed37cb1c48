package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a pool of ONE connection, every request and transaction of the instance runs on
 * the same PostgreSQL session, one after the other: acme, then no tenant, then globex,
 * over and over. The tenant is set per transaction ({@code set_config(..., true)}), so
 * nothing of one reaches the next.
 */
class SingleConnectionPoolTest {

	@Test
	void acmeThenNoTenantThenGlobexOnOneConnectionLeakNothing() {
		HikariDataSource dataSource = SecondInstance.dataSource();
		assertThat(dataSource.getMaximumPoolSize()).isEqualTo(1);
		Api api = SecondInstance.api();
		String acme = Api.bearer(api.token("acme-client"));
		String globex = Api.bearer(api.token("globex-client"));
		String ops = Api.bearer(api.token("ops-client"));
		String acmeTrip = create(api, acme, "Pool acme");
		String globexTrip = create(api, globex, "Pool globex");
		// The app's DataSource (Datasource Micrometer's proxy around the pool), the one
		// its
		// transaction manager binds connections to.
		JdbcClient jdbc = JdbcClient.create(SecondInstance.context().getBean(DataSource.class));
		TransactionTemplate transaction = new TransactionTemplate(
				SecondInstance.context().getBean(PlatformTransactionManager.class));
		List<Object> sessions = new ArrayList<>();

		for (int round = 0; round < 10; round++) {
			// acme, over HTTP
			List<String> acmeSees = TripPages.ids(api, "Authorization", acme);
			assertThat(acmeSees).contains(acmeTrip).doesNotContain(globexTrip);

			// no tenant: a token without one is refused before any query ...
			HttpResponse<String> noTenant = api.get("/api/trips", "Authorization", ops);
			assertThat(noTenant.statusCode()).isEqualTo(400);
			assertThat(noTenant.body()).doesNotContain("Pool");
			// ... and work without a tenant, in a transaction or not, sees nothing on
			// that connection
			Map<String, Object> inTransaction = transaction.execute((status) -> jdbc.sql("""
					select pg_backend_pid() as session, coalesce(current_setting('app.tenant_id', true), '') as tenant,
					       (select count(*) from travel.trip) as trips""").query().singleRow());
			Map<String, Object> outside = jdbc.sql("""
					select pg_backend_pid() as session, coalesce(current_setting('app.tenant_id', true), '') as tenant,
					       (select count(*) from travel.trip) as trips""").query().singleRow();
			assertThat(inTransaction).containsEntry("tenant", "").containsEntry("trips", 0L);
			assertThat(outside).containsEntry("tenant", "").containsEntry("trips", 0L);
			sessions.add(inTransaction.get("session"));
			sessions.add(outside.get("session"));

			// globex, over HTTP
			List<String> globexSees = TripPages.ids(api, "Authorization", globex);
			assertThat(globexSees).contains(globexTrip).doesNotContain(acmeTrip);
		}

		assertThat(sessions).as("one PostgreSQL session served everything").containsOnly(sessions.get(0));
		assertThat(dataSource.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
	}

	private static String create(Api api, String authorization, String name) {
		HttpResponse<String> response = api.postJson("/api/trips", """
				{"name":"%s","destination":"Bergen","startDate":"2030-09-01","endDate":"2030-09-02"}""".formatted(name),
				"Authorization", authorization);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return Api.json(response).path("id").asString();
	}

}

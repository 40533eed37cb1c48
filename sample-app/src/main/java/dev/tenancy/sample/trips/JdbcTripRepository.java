package dev.tenancy.sample.trips;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.context.TenantContext;

/**
 * Trips in PostgreSQL ({@code travel.trip}), isolated twice:
 * <ul>
 * <li>every statement names the current tenant ({@link TenantContext#require()}) in its
 * {@code where} clause or inserted row, and</li>
 * <li>every method runs in a transaction, in which the starter's
 * {@link dev.tenancy.jdbc.TenantTransactionListener} has set the same tenant on the
 * connection ({@code set_config('app.tenant_id', tenant, true)}), so the table's
 * row-level security policy hides other tenants' rows and refuses to write them even if a
 * statement forgot its predicate.</li>
 * </ul>
 */
@Repository
@Transactional
public class JdbcTripRepository implements TripRepository {

	private static final String COLUMNS = "id, reference, name, destination, start_date, end_date";

	private final JdbcClient jdbc;

	public JdbcTripRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Trip save(Trip trip) {
		try {
			this.jdbc.sql("""
					insert into travel.trip (tenant_id, id, reference, name, destination, start_date, end_date)
					values (:tenant, :id, :reference, :name, :destination, :startDate, :endDate)""")
				.param("tenant", TenantContext.require().value())
				.param("id", trip.id())
				.param("reference", trip.reference())
				.param("name", trip.name())
				.param("destination", trip.destination())
				.param("startDate", trip.startDate())
				.param("endDate", trip.endDate())
				.update();
		}
		catch (DuplicateKeyException ex) {
			// (tenant_id, id) is a fresh random UUID; the per-tenant reference is what
			// collides.
			throw new TripReferenceTakenException();
		}
		return trip;
	}

	@Override
	@Transactional(readOnly = true)
	public Optional<Trip> findById(UUID id) {
		return this.jdbc.sql("select " + COLUMNS + " from travel.trip where tenant_id = :tenant and id = :id")
			.param("tenant", TenantContext.require().value())
			.param("id", id)
			.query(JdbcTripRepository::trip)
			.optional();
	}

	@Override
	@Transactional(readOnly = true)
	public List<Trip> findPage(TripCursor after, int limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("limit must be positive");
		}
		if (after == null) {
			return this.jdbc
				.sql("select " + COLUMNS + " from travel.trip where tenant_id = :tenant"
						+ " order by start_date, name, id limit :limit")
				.param("tenant", TenantContext.require().value())
				.param("limit", limit)
				.query(JdbcTripRepository::trip)
				.list();
		}
		// A row comparison, so the index on (tenant_id, start_date, name, id) serves the
		// page.
		return this.jdbc
			.sql("select " + COLUMNS + " from travel.trip where tenant_id = :tenant"
					+ " and (start_date, name, id) > (:startDate, :name, :id)"
					+ " order by start_date, name, id limit :limit")
			.param("tenant", TenantContext.require().value())
			.param("startDate", after.startDate())
			.param("name", after.name())
			.param("id", after.id())
			.param("limit", limit)
			.query(JdbcTripRepository::trip)
			.list();
	}

	private static Trip trip(ResultSet rs, int row) throws SQLException {
		return new Trip(rs.getObject("id", UUID.class), rs.getString("reference"), rs.getString("name"),
				rs.getString("destination"), rs.getObject("start_date", LocalDate.class),
				rs.getObject("end_date", LocalDate.class));
	}

}

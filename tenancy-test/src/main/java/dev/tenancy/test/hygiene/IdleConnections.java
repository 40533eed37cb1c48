package dev.tenancy.test.hygiene;

import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import org.springframework.util.ClassUtils;

/**
 * How many idle connections a pool holds.
 */
final class IdleConnections {

	private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			IdleConnections.class.getClassLoader());

	private IdleConnections() {
	}

	/**
	 * @param dataSource the data source
	 * @return its idle connections, or 1 when it is not a Hikari pool
	 */
	static int count(DataSource dataSource) {
		if (HIKARI) {
			return Hikari.idle(dataSource);
		}
		return 1;
	}

	/** Loaded only with Hikari present. */
	private static final class Hikari {

		static int idle(DataSource dataSource) {
			try {
				if (dataSource.isWrapperFor(HikariDataSource.class)) {
					HikariPoolMXBean pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
					return (pool != null) ? pool.getIdleConnections() : 1;
				}
			}
			catch (SQLException ex) {
				// not a pool we can ask
			}
			return 1;
		}

	}

}

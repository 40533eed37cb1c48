package dev.tenancy.sample;

import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second instance of the app on the same database, started by hand once per test JVM
 * (Spring's test framework gives a test class one context only): the {@code local}
 * profile, a random port, its own tenant cache and change listener, and a connection pool
 * of exactly ONE connection, so that every request and transaction it serves goes through
 * the same pooled connection. It stops with the JVM.
 */
final class SecondInstance {

	private static ConfigurableApplicationContext context;

	private SecondInstance() {
	}

	static synchronized ConfigurableApplicationContext context() {
		if (context == null) {
			context = new SpringApplicationBuilder(SampleApplication.class).profiles("local")
				.run(TestDatabase.args("server.port=0", "spring.datasource.hikari.maximum-pool-size=1",
						"spring.datasource.hikari.minimum-idle=1"));
		}
		return context;
	}

	static int port() {
		return context().getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	static Api api() {
		return new Api(port());
	}

	static HikariDataSource dataSource() {
		// the DataSource bean is Datasource Micrometer's proxy around the pool
		try {
			return context().getBean(DataSource.class).unwrap(HikariDataSource.class);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

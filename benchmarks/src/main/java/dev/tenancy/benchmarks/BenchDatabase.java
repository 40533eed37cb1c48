package dev.tenancy.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A fresh database for one benchmark trial on the server named by
 * {@code TENANCY_BENCH_POSTGRES_URL} (default: the local server's maintenance database).
 */
final class BenchDatabase implements AutoCloseable {

	private static final String SERVER = System.getenv()
		.getOrDefault("TENANCY_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

	private final String name = "tenancy_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

	private final HikariDataSource dataSource;

	BenchDatabase() throws Exception {
		try (Connection connection = DriverManager.getConnection(SERVER);
				Statement statement = connection.createStatement()) {
			statement.execute("create database " + this.name);
		}
		HikariConfig config = new HikariConfig();
		int query = SERVER.indexOf('?');
		String base = SERVER.substring(0, (query >= 0) ? query : SERVER.length());
		config.setJdbcUrl(base.substring(0, base.lastIndexOf('/') + 1) + this.name
				+ ((query >= 0) ? SERVER.substring(query) : ""));
		config.setMaximumPoolSize(8);
		this.dataSource = new HikariDataSource(config);
	}

	HikariDataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public void close() throws Exception {
		this.dataSource.close();
		try (Connection connection = DriverManager.getConnection(SERVER);
				Statement statement = connection.createStatement()) {
			statement.execute("drop database if exists " + this.name + " with (force)");
		}
	}

}

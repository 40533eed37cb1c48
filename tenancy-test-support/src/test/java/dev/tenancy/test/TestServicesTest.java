package dev.tenancy.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test services really answer: a fresh, empty database of our own, and a Redis
 * server.
 */
class TestServicesTest {

	@Test
	void postgresDatabaseIsFreshAndOurs() throws Exception {
		TestServices.Postgres postgres = TestServices.postgres();
		try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
			ResultSet db = statement.executeQuery("select current_database()");
			db.next();
			assertThat(db.getString(1)).isEqualTo(postgres.database()).startsWith("tenancy_test_");
			ResultSet tables = statement
				.executeQuery("select count(*) from information_schema.tables where table_schema = 'public'");
			tables.next();
			assertThat(tables.getInt(1)).isZero();
		}
		assertThat(TestServices.postgres()).isSameAs(postgres);
	}

	@Test
	void redisAnswers() {
		RedisClient client = RedisClient.create(TestServices.redisUrl());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			assertThat(connection.sync().ping()).isEqualTo("PONG");
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void databaseNameReplacesTheServerDatabase() {
		assertThat(TestServices.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", "t1"))
			.isEqualTo("jdbc:postgresql://127.0.0.1:5432/t1?user=postgres");
		assertThat(TestServices.withDatabase("jdbc:postgresql://db:5432/x", "t2"))
			.isEqualTo("jdbc:postgresql://db:5432/t2");
	}

}

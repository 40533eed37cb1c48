package dev.tenancy.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import dev.tenancy.test.OwnPostgresCluster.StopMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OwnPostgresClusterTest {

	@Test
	void startsStopsRestartsKeepsCommittedRowsAndCleansUp() throws SQLException {
		Path directory;
		try (OwnPostgresCluster cluster = OwnPostgresCluster.start(Paths.get("target"), 55431, 55439)) {
			directory = cluster.dataDirectory().getParent();
			assertThat(cluster.isRunning()).isTrue();
			try (Connection connection = cluster.connect("postgres");
					Statement statement = connection.createStatement()) {
				statement.execute("create table fact (id int primary key)");
				statement.execute("insert into fact values (1)");
			}

			cluster.stop(StopMode.FAST);
			assertThat(cluster.isRunning()).isFalse();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> cluster.connect("postgres").close());

			cluster.start();
			assertThat(count(cluster)).isEqualTo(1);

			// a crash keeps committed rows too: recovered from the write-ahead log
			try (Connection connection = cluster.connect("postgres");
					Statement statement = connection.createStatement()) {
				statement.execute("insert into fact values (2)");
			}
			cluster.stop(StopMode.IMMEDIATE);
			cluster.start();
			assertThat(count(cluster)).isEqualTo(2);
		}
		assertThat(Files.exists(directory)).as("the cluster's directory is deleted").isFalse();
	}

	private static int count(OwnPostgresCluster cluster) throws SQLException {
		try (Connection connection = cluster.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select count(*) from fact")) {
			rows.next();
			return rows.getInt(1);
		}
	}

}

package dev.tenancy.adopters.jdbcclient;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A plain {@code JdbcClient} application that declares its own transaction manager (so
 * Boot's backs off) and runs its work in a {@code TransactionTemplate}.
 */
@SpringBootApplication
public class JdbcClientAdopterApplication {

	@Bean
	DataSourceTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

}

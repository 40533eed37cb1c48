package dev.tenancy.adopters.datajdbc;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Data JDBC application: an aggregate, a {@code CrudRepository}, its own Flyway
 * migrations, and the starter added. Not a web application.
 */
@SpringBootApplication
public class DataJdbcAdopterApplication {

}

package dev.tenancy.adopters.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A JPA application as a team writes one: entities, a Spring Data JPA repository and a
 * {@code @Transactional} service, its own Flyway migrations, and the starter added.
 * Nothing in it mentions the tenant's database setting.
 */
@SpringBootApplication
public class JpaAdopterApplication {

}

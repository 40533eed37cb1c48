package dev.tenancy.adopters.nonweb;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A batch application without a web server
 * ({@code spring.main.web-application-type=none}): it takes its tenants from the
 * starter's registry and does each tenant's work as that tenant.
 */
@SpringBootApplication
public class NonWebAdopterApplication {

}

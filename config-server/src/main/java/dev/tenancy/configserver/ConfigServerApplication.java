package dev.tenancy.configserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.config.server.EnableConfigServer;

/**
 * The platform's Spring Cloud Config Server.
 *
 * <p>
 * Serves service configuration from {@code classpath:/config-repo/} (native backend,
 * always on) to services that authenticate with an OAuth 2.0 access token from the
 * platform's issuer ({@code tenancy.config-server.token.*}) or with HTTP basic
 * credentials configured under {@code tenancy.config-server.clients}; each reads only its
 * own application. It refuses to start without at least one client. Also serves the
 * tenant API ({@code /tenants/**}) over the PostgreSQL registry and hosts the starter's
 * tenant admin API ({@code /admin/tenants/**}, behind the admin guard). Actuator lives on
 * {@code management.server.port}.
 */
@SpringBootApplication
@EnableConfigServer
@EnableConfigurationProperties(ConfigServerProperties.class)
public class ConfigServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ConfigServerApplication.class, args);
	}

}

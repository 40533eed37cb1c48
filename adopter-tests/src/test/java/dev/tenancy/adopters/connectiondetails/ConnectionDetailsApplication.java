package dev.tenancy.adopters.connectiondetails;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.context.TenantContext;

/**
 * An application that gets its Redis the way Spring Boot's Testcontainers and Docker
 * Compose support give it: as a {@code DataRedisConnectionDetails} bean (here declared by
 * the test, as {@code @ServiceConnection} would register it), not as
 * {@code spring.data.redis.*}.
 */
@SpringBootApplication
public class ConnectionDetailsApplication {

	@RestController
	static class Greetings {

		@GetMapping("/api/greeting")
		Map<String, String> greeting() {
			return Map.of("tenant", TenantContext.current().map(Object::toString).orElse("none"));
		}

	}

}

package dev.tenancy.sample.ping;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.context.TenantContext;

/**
 * The cheapest possible endpoint behind authentication, for measuring what the tenancy
 * path itself costs: with tenancy on, a request reaches it only after resolution, the
 * registry and the rate limiter; with {@code tenancy.enabled=false} it answers without
 * any of them (see docs/benchmarks.md).
 */
@RestController
class PingController {

	@GetMapping("/api/ping")
	Map<String, String> ping() {
		return Map.of("tenant", TenantContext.current().map(Object::toString).orElse(""));
	}

}

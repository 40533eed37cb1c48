package dev.tenancy.autoconfigure.idpapp;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.context.TenantContext;

/**
 * An application on the starter that declares no {@code JwtDecoder}: the starter builds
 * it from {@code spring.security.oauth2.resourceserver.jwt.*}, as for a resource server
 * of an external identity provider.
 */
@SpringBootApplication
public class IdpTestApplication {

	@RestController
	static class WhoAmIController {

		@GetMapping("/api/whoami")
		Map<String, Object> whoAmI(@AuthenticationPrincipal Jwt jwt) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("tenant", TenantContext.require().value());
			body.put("subject", jwt.getSubject());
			return body;
		}

	}

}

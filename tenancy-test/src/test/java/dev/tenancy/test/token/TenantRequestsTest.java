package dev.tenancy.test.token;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code RestTestClient} (Spring Framework 7) takes the kit's header consumers as they
 * are: the request carries the tenant user's bearer token.
 */
class TenantRequestsTest {

	@RestController
	static class Echo {

		@GetMapping("/echo")
		String echo(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
			return authorization;
		}

	}

	@Test
	void restTestClientSendsTheTenantUsersToken() {
		RestTestClient client = RestTestClient.bindToController(new Echo()).build();

		String authorization = client.get()
			.uri("/echo")
			.headers(TenantRequests.tenantHeaders("acme"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody();

		assertThat(authorization).startsWith("Bearer ");
		String tenant = NimbusJwtDecoder.withJwkSetUri(TestTokens.shared().jwkSetUri().toString())
			.build()
			.decode(authorization.substring("Bearer ".length()))
			.getClaimAsString("tenant_id");
		assertThat(tenant).isEqualTo("acme");
	}

}

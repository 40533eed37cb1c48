package dev.tenancy.test.token;

import java.util.function.Consumer;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Authenticates requests of MockMvc, {@code RestTestClient}, {@code WebTestClient} (or
 * any client that takes a {@code Consumer<HttpHeaders>}) as a tenant's user, with a
 * bearer token from {@link TestTokens#shared()} that the application's real decoder
 * validates (see {@link UseTestTokens}). <pre>
 * mvc.perform(get("/api/trips").with(TenantRequests.asTenant("acme")));
 * restTestClient.get().uri("/api/trips").headers(TenantRequests.tenantHeaders("acme"));
 * </pre>
 */
public final class TenantRequests {

	private TenantRequests() {
	}

	/**
	 * MockMvc: a user of one tenant.
	 * @param tenant the tenant id
	 * @return the post-processor
	 */
	public static RequestPostProcessor asTenant(String tenant) {
		return bearer(TestTokens.shared().forTenant(tenant));
	}

	/**
	 * MockMvc: a user who may act for several tenants (add the tenant header yourself).
	 * @param tenants the tenant ids
	 * @return the post-processor
	 */
	public static RequestPostProcessor asTenants(String... tenants) {
		return bearer(TestTokens.shared().forTenants(tenants));
	}

	/**
	 * MockMvc: an admin of the tenant admin API.
	 * @return the post-processor
	 */
	public static RequestPostProcessor asAdmin() {
		return bearer(TestTokens.shared().admin());
	}

	/**
	 * MockMvc: any token.
	 * @param token the bearer token
	 * @return the post-processor
	 */
	public static RequestPostProcessor bearer(String token) {
		return (request) -> {
			request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
			return request;
		};
	}

	/**
	 * {@code RestTestClient}, {@code WebTestClient}, {@code RestClient}: a user of one
	 * tenant.
	 * @param tenant the tenant id
	 * @return sets the authorization header
	 */
	public static Consumer<HttpHeaders> tenantHeaders(String tenant) {
		return bearerHeaders(TestTokens.shared().forTenant(tenant));
	}

	/**
	 * {@code RestTestClient}, {@code WebTestClient}, {@code RestClient}: an admin.
	 * @return sets the authorization header
	 */
	public static Consumer<HttpHeaders> adminHeaders() {
		return bearerHeaders(TestTokens.shared().admin());
	}

	/**
	 * {@code RestTestClient}, {@code WebTestClient}, {@code RestClient}: any token.
	 * @param token the bearer token
	 * @return sets the authorization header
	 */
	public static Consumer<HttpHeaders> bearerHeaders(String token) {
		return (headers) -> headers.setBearerAuth(token);
	}

}

package dev.tenancy.test.token;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.tenancy.test.FakeIdentityProvider;

/**
 * Signed test tokens for a tenant's user, which the application's real JWT decoder
 * accepts in tests: one issuer per test JVM (an in-memory RSA key pair whose JWK set is
 * served on a loopback port), and a minter for the token shapes Tenancy reads.
 * <p>
 * Point the application at the issuer with {@link UseTestTokens @UseTestTokens} on the
 * test class, or with {@link #resourceServerProperties()} (for
 * {@code @DynamicPropertySource}, or a server started by hand). The starter then builds
 * its decoder with every validator it normally has; only the keys and the issuer differ.
 * <pre>
 * String token = TestTokens.shared().forTenant("acme");
 * http.get("/api/trips", "Authorization", "Bearer " + token);
 * </pre> The claim names and the admin scope are Tenancy's defaults
 * ({@code tenancy.resolution.jwt.claim=tenant_id}, {@code list-claim=tenants},
 * {@code tenancy.admin.scope=tenancy.admin}); use {@link #withClaimNames} when the
 * application changes them.
 */
public final class TestTokens {

	/** The scope given to every tenant user's token. */
	public static final String USER_SCOPE = "openid";

	private static TestTokens shared;

	private final FakeIdentityProvider issuer;

	private final ClaimNames names;

	private TestTokens(FakeIdentityProvider issuer, ClaimNames names) {
		this.issuer = issuer;
		this.names = names;
	}

	/**
	 * The issuer of this test JVM, started on first use and stopped when the JVM exits.
	 * @return the shared test tokens
	 */
	public static synchronized TestTokens shared() {
		if (shared == null) {
			FakeIdentityProvider provider = new FakeIdentityProvider();
			Runtime.getRuntime().addShutdownHook(new Thread(provider::close, "tenancy-test-tokens"));
			shared = new TestTokens(provider, ClaimNames.DEFAULTS);
		}
		return shared;
	}

	/**
	 * The same issuer, minting tokens with other claim names.
	 * @param names the application's claim names and admin scope
	 * @return tokens with these names
	 */
	public TestTokens withClaimNames(ClaimNames names) {
		return new TestTokens(this.issuer, names);
	}

	/**
	 * The issuer identifier ({@code iss} of every token).
	 * @return the issuer URI
	 */
	public String issuer() {
		return this.issuer.issuer();
	}

	/**
	 * Where the issuer publishes its public keys.
	 * @return the JWK set URI
	 */
	public URI jwkSetUri() {
		return this.issuer.jwkSetUri();
	}

	/**
	 * The properties that make Spring Boot's resource server (and the starter's decoder)
	 * trust this issuer: {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and
	 * {@code jwk-set-uri}.
	 * @return property names and values
	 */
	public Map<String, String> resourceServerProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer());
		properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwkSetUri().toString());
		return properties;
	}

	/**
	 * A token of a user of one tenant (the tenant claim).
	 * @param tenant the tenant id
	 * @return the signed token
	 */
	public String forTenant(String tenant) {
		return forUser(tenant, "user@" + tenant);
	}

	/**
	 * A token of a named user of one tenant.
	 * @param tenant the tenant id
	 * @param subject the user ({@code sub})
	 * @return the signed token
	 */
	public String forUser(String tenant, String subject) {
		return token(
				(claims) -> claims.subject(subject).claim(this.names.tenantClaim(), tenant).claim("scope", USER_SCOPE));
	}

	/**
	 * A token of a user who may act for several tenants (the list claim); requests then
	 * name the tenant in a header.
	 * @param tenants the tenant ids
	 * @return the signed token
	 */
	public String forTenants(String... tenants) {
		List<String> list = Arrays.asList(tenants);
		return token((claims) -> claims.subject("user@" + String.join("+", list))
			.claim(this.names.listClaim(), list)
			.claim("scope", USER_SCOPE));
	}

	/**
	 * A token that grants no tenant at all (a service account, say).
	 * @return the signed token
	 */
	public String withoutTenant() {
		return token((claims) -> claims.subject("service").claim("scope", USER_SCOPE));
	}

	/**
	 * A token with the admin scope, for the tenant admin API.
	 * @return the signed token
	 */
	public String admin() {
		return token((claims) -> claims.subject("admin").claim("scope", this.names.adminScope()));
	}

	/**
	 * A token with any claims ({@code iss}, {@code sub}, {@code iat} and a five-minute
	 * {@code exp} are preset and may be overridden).
	 * @param claims sets the claims
	 * @return the signed token
	 */
	public String token(Consumer<JWTClaimsSet.Builder> claims) {
		return this.issuer.token(claims);
	}

	/**
	 * The claim names of the application.
	 *
	 * @param tenantClaim the claim naming the user's one tenant
	 * @param listClaim the claim listing the user's tenants
	 * @param adminScope the scope that grants the admin API
	 */
	public record ClaimNames(String tenantClaim, String listClaim, String adminScope) {

		/** Tenancy's defaults. */
		public static final ClaimNames DEFAULTS = new ClaimNames("tenant_id", "tenants", "tenancy.admin");

	}

}

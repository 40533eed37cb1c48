package dev.tenancy.registry.remote;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.EmailDomains;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryUnavailableException;

/**
 * Tenants from the config server's tenant API ({@code GET {url}/tenants/{id}}).
 * <p>
 * Meant to sit behind a {@link dev.tenancy.registry.CachingTenantRegistry} that a
 * {@link ConfigServerChangeFollower} invalidates. It remembers the last answer per tenant
 * (bounded) and revalidates with {@code If-None-Match}, so an invalidation that turns out
 * not to concern the tenant costs a 304 and no body.
 * <p>
 * Answers: 200 is parsed strictly (the configuration through {@link TenantConfigJson}; an
 * answer for another tenant than the one asked for is refused); 404 is an unknown tenant;
 * unreachable, timeouts, 5xx and untrustworthy answers (malformed, oversized, wrong
 * tenant) are a {@link TenantRegistryUnavailableException} (a
 * {@link ConfigServerResponseException} for the latter), so a cache in front serves its
 * last known good answer; 401/403 is an {@link IllegalStateException} naming the
 * misconfigured credentials.
 * <p>
 * {@link #findAll()} is not supported: the API answers lookups by id only, and tenants
 * are listed and managed through the config server's admin API.
 */
public final class ConfigServerTenantRegistry implements TenantRegistry {

	private static final Logger logger = LoggerFactory.getLogger(ConfigServerTenantRegistry.class);

	/**
	 * Largest tenant answer accepted, in bytes (the configuration alone may be 64K
	 * characters).
	 */
	public static final int MAX_TENANT_BYTES = 256 * 1024;

	private final ConfigServerConnection connection;

	private final Cache<TenantId, Known> known;

	/**
	 * Create a registry.
	 * @param connection the config server
	 * @param maximumRemembered most tenants remembered for revalidation with
	 * {@code If-None-Match}
	 */
	public ConfigServerTenantRegistry(ConfigServerConnection connection, long maximumRemembered) {
		this.connection = connection;
		this.known = Caffeine.newBuilder().maximumSize(maximumRemembered).build();
	}

	/**
	 * The connection to the config server.
	 * @return the connection
	 */
	public ConfigServerConnection connection() {
		return this.connection;
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		Known previous = this.known.getIfPresent(id);
		String path = "/tenants/" + id.value();
		ConfigServerConnection.Response response = this.connection.get("/tenants/{id}",
				(previous != null) ? previous.etag() : null, MAX_TENANT_BYTES, id.value());
		switch (response.status()) {
			case 200 -> {
				Tenant tenant = parse(id, response.body());
				String etag = (response.etag() != null) ? response.etag() : "\"" + tenant.version() + "\"";
				this.known.put(id, new Known(etag, tenant));
				return Optional.of(tenant);
			}
			case 304 -> {
				if (previous == null) {
					throw new ConfigServerResponseException(
							"Config server answered 304 for tenant " + id + " without a conditional request");
				}
				return Optional.of(previous.tenant());
			}
			case 404, 410 -> {
				this.known.invalidate(id);
				return Optional.empty();
			}
			default -> throw new ConfigServerResponseException(
					"Config server answered GET " + path + " with unexpected HTTP " + response.status());
		}
	}

	/**
	 * The owner of an e-mail domain, from {@code GET
	 * {url}/tenants/by-email-domain/{domain}} (the config server looks it up in the
	 * registry's index). An answer naming a tenant whose configuration does not list the
	 * domain is refused as untrustworthy.
	 */
	@Override
	public Optional<Tenant> findByEmailDomain(String domain) {
		Optional<String> normalized = EmailDomains.normalize(domain);
		if (normalized.isEmpty()) {
			return Optional.empty();
		}
		ConfigServerConnection.Response response = this.connection.get("/tenants/by-email-domain/{domain}", null,
				MAX_TENANT_BYTES, normalized.get());
		switch (response.status()) {
			case 200 -> {
				String what = "the owner of an e-mail domain";
				JsonNode root = RemoteJson.readObject(response.body(), what);
				TenantId id = TenantId.parse(RemoteJson.text(root, "id", true, what))
					.orElseThrow(() -> new ConfigServerResponseException(
							"Config server answered a domain lookup with a malformed tenant id"));
				Tenant tenant = parse(id, response.body());
				if (!tenant.config().emailDomains().contains(normalized.get())) {
					throw new ConfigServerResponseException(
							"Config server answered a domain lookup with tenant " + id + ", which does not list it");
				}
				return Optional.of(tenant);
			}
			case 404, 410 -> {
				return Optional.empty();
			}
			default -> throw new ConfigServerResponseException(
					"Config server answered a domain lookup with unexpected HTTP " + response.status());
		}
	}

	/**
	 * Not supported: the tenant API answers lookups by id only; list tenants through the
	 * config server's admin API.
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public List<Tenant> findAll() {
		throw new UnsupportedOperationException(
				"The config-server tenant registry looks tenants up by id only; list them through the config server's admin API");
	}

	static Tenant parse(TenantId asked, byte[] body) {
		String what = "tenant " + asked;
		JsonNode root = RemoteJson.readObject(body, what);
		String id = RemoteJson.text(root, "id", true, what);
		if (!asked.value().equals(id)) {
			logger.warn("Config server answered for another tenant than {}; answer refused", asked);
			throw new ConfigServerResponseException(
					"Config server answered a lookup of tenant " + asked + " with another tenant; answer refused");
		}
		String displayName = RemoteJson.text(root, "displayName", false, what);
		String statusText = RemoteJson.text(root, "status", true, what);
		TenantStatus status;
		try {
			status = TenantStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new ConfigServerResponseException("Config server sent " + what + " with an unknown status");
		}
		long version = RemoteJson.nonNegativeLong(root, "version", what);
		JsonNode configNode = root.get("config");
		TenantConfig config;
		try {
			config = TenantConfigJson.fromTree(configNode, "config");
		}
		catch (InvalidTenantConfigException ex) {
			throw new ConfigServerResponseException(
					"Config server sent " + what + " with an invalid configuration: " + ex.getMessage(), ex);
		}
		return new Tenant(asked, displayName, status, config, version);
	}

	@Override
	public String toString() {
		return "ConfigServerTenantRegistry[" + this.connection.url() + "]";
	}

	private record Known(String etag, Tenant tenant) {
	}

}

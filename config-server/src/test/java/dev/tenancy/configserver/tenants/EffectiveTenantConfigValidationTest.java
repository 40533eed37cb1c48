package dev.tenancy.configserver.tenants;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.autoconfigure.TenancyConfigurationException;
import dev.tenancy.registry.TenantConfigJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The config server's tenant defaults and plans are held to the one tenant-configuration
 * validator: the same rules and messages as tenant files, the admin API and
 * {@code tenancy.tenants.*}, at start-up.
 */
class EffectiveTenantConfigValidationTest {

	@Test
	void durationsInBothFormsAreAccepted() {
		EffectiveTenantConfig effective = new EffectiveTenantConfig(
				new TenantApiProperties(Map.of("plan", "standard", "rateLimit", Map.of("limit", "100", "window", "1m")),
						Map.of("gold", Map.of("rateLimit", Map.of("limit", "1000", "window", "PT1M"))), List.of()));
		Tenant tenant = new Tenant(TenantId.of("acme"), "Acme", TenantStatus.ACTIVE,
				new TenantConfig("gold", null, null, null, null, null), 0);
		TenantConfig config = TenantConfigJson.fromTree(effective.of(tenant), "config");
		assertThat(config.rateLimit().limit()).isEqualTo(1000);
		assertThat(config.rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void invalidDefaultsAndPlansStopStartUpWithTheCatalogueMessages() {
		TenancyConfigurationException ex = catchThrowableOfType(TenancyConfigurationException.class,
				() -> new EffectiveTenantConfig(new TenantApiProperties(
						Map.of("plann", "standard", "locale", "english", "rateLimit",
								Map.of("limit", "100", "window", "60")),
						Map.of("gold", Map.of("rateLimit", Map.of("limit", "1000", "window", "1m", "burst", "5"))),
						List.of())));
		assertThat(ex).isNotNull();
		assertThat(ex.getMessage())
			.contains("tenancy.config-server.tenant-defaults.plann: unknown key (expected plan, rateLimit,")
			.contains(
					"tenancy.config-server.tenant-defaults.rateLimit.window: must be " + TenantConfigJson.DURATION_FORM)
			.contains("tenancy.config-server.tenant-defaults.locale: must be an IETF language tag such as en-GB")
			.contains("tenancy.config-server.plans.gold.rateLimit.burst: must be a whole number not less than "
					+ "the limit");
		assertThat(ex.getAction()).contains("1m or PT1M");
	}

}

package dev.tenancy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantModelTest {

	@Test
	void tenantDefaultsDisplayNameAndConfig() {
		Tenant tenant = new Tenant(TenantId.of("acme"), "  ", TenantStatus.ACTIVE, null, 0);
		assertThat(tenant.displayName()).isEqualTo("acme");
		assertThat(tenant.config()).isEqualTo(TenantConfig.empty());
		assertThat(tenant.isActive()).isTrue();
		assertThat(new Tenant(TenantId.of("acme"), "Acme", TenantStatus.SUSPENDED, null, 3).isActive()).isFalse();
	}

	@Test
	void tenantRejectsMissingPartsAndNegativeVersion() {
		assertThatThrownBy(() -> new Tenant(null, "x", TenantStatus.ACTIVE, null, 0))
			.isInstanceOf(NullPointerException.class);
		assertThatThrownBy(() -> new Tenant(TenantId.of("acme"), "x", null, null, 0))
			.isInstanceOf(NullPointerException.class);
		assertThatThrownBy(() -> new Tenant(TenantId.of("acme"), "x", TenantStatus.ACTIVE, null, -1))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void statusTransitions() {
		assertThat(TenantStatus.ACTIVE.canBecome(TenantStatus.SUSPENDED)).isTrue();
		assertThat(TenantStatus.SUSPENDED.canBecome(TenantStatus.ACTIVE)).isTrue();
		assertThat(TenantStatus.ACTIVE.canBecome(TenantStatus.ACTIVE)).isFalse();
		assertThat(TenantStatus.DELETED.canBecome(TenantStatus.ACTIVE)).isFalse();
		assertThat(TenantStatus.DELETED.canBecome(TenantStatus.SUSPENDED)).isFalse();
	}

	@Test
	void configIsImmutableAndValidated() {
		List<String> features = new ArrayList<>(List.of("trips"));
		TenantConfig config = new TenantConfig("standard",
				new TenantConfig.RateLimit(1000, Duration.ofMinutes(1), 0, null, Map.of("helpdesk", 5L)), features,
				null, "en-GB", null);
		features.add("helpdesk");
		assertThat(config.features()).containsExactly("trips");
		assertThat(config.hasFeature("trips")).isTrue();
		assertThat(config.hasFeature("helpdesk")).isFalse();
		assertThat(config.rateLimit().burst()).isEqualTo(1000);
		assertThat(config.emailDomains()).isEmpty();
		assertThatThrownBy(() -> config.features().add("x")).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> new TenantConfig.RateLimit(0, Duration.ofMinutes(1), 0, null, null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new TenantConfig.RateLimit(10, Duration.ZERO, 0, null, null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new TenantConfig.UserLimit(0, Duration.ofMinutes(1)))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void everyErrorHasItsContractStatus() {
		assertThat(TenancyError.TENANT_REQUIRED.status()).isEqualTo(400);
		assertThat(TenancyError.TENANT_INVALID.status()).isEqualTo(400);
		assertThat(TenancyError.TENANT_MISMATCH.status()).isEqualTo(403);
		assertThat(TenancyError.TENANT_FORBIDDEN.status()).isEqualTo(403);
		assertThat(TenancyError.TENANT_SUSPENDED.status()).isEqualTo(403);
		assertThat(TenancyError.RATE_LIMITED.status()).isEqualTo(429);
		assertThat(TenancyError.ADMIN_NOT_CONFIGURED.status()).isEqualTo(503);
		assertThat(TenancyError.UNAUTHORIZED.status()).isEqualTo(401);
		assertThat(TenancyError.INTERNAL_ERROR.status()).isEqualTo(500);
		for (TenancyError error : TenancyError.values()) {
			assertThat(error.code()).matches("[a-z_]+").isEqualTo(error.name().toLowerCase());
		}
	}

}

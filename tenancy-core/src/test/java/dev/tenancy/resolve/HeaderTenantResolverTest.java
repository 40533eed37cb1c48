package dev.tenancy.resolve;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.tenancy.TenancyError;
import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderTenantResolverTest {

	private final HeaderTenantResolver resolver = new HeaderTenantResolver(List.of("X-Client-ID", "X-Tenant-ID"));

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");

	@Test
	void noHeaderSaysNothing() {
		this.request.addHeader("X-Other", "acme");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.none());
	}

	@Test
	void clientIdHeaderRequestsATenant() {
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@Test
	void tenantIdAliasRequestsATenant() {
		this.request.addHeader("X-Tenant-ID", "globex");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.requested(TenantId.of("globex")));
	}

	@Test
	void headerNamesAreCaseInsensitive() {
		this.request.addHeader("x-client-id", "acme");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@Test
	void bothHeadersAgreeing() {
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "acme");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@Test
	void bothHeadersDisagreeingIsAMismatch() {
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "globex");
		assertThatThrownBy(() -> this.resolver.resolve(this.request)).isInstanceOfSatisfying(
				TenantResolutionException.class,
				(ex) -> assertThat(ex.error()).isEqualTo(TenancyError.TENANT_MISMATCH));
	}

	@Test
	void sameHeaderTwiceIsInvalid() {
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Client-ID", "globex");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void sameHeaderTwiceWithTheSameValueIsStillInvalid() {
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void aliasSentTwiceIsInvalidEvenWhenTheFirstHeaderIsFine() {
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "acme");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void malformedAliasWithValidFirstHeaderIsInvalid() {
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "GLOBEX");
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.invalid());
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "ACME", "Acme", " acme", "acme ", "acme,globex", "acme, globex", "-acme", "acme-",
			"%61cme", "..", "\u0430cme", "\uff41cme", "acme\uff11", "globex\t" })
	void malformedValuesAreInvalid(String value) {
		this.request.addHeader("X-Client-ID", value);
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void tenKilobyteValueIsInvalid() {
		this.request.addHeader("X-Client-ID", "a".repeat(10 * 1024));
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void customHeaderName() {
		HeaderTenantResolver custom = new HeaderTenantResolver(List.of("X-Org"));
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(custom.resolve(this.request)).isEqualTo(TenantResolution.none());
		this.request.addHeader("X-Org", "globex");
		assertThat(custom.resolve(this.request)).isEqualTo(TenantResolution.requested(TenantId.of("globex")));
	}

	@Test
	void needsAHeaderName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HeaderTenantResolver(List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> new HeaderTenantResolver(null));
	}

}

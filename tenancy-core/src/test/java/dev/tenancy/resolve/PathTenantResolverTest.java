package dev.tenancy.resolve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PathTenantResolverTest {

	private final PathTenantResolver resolver = new PathTenantResolver("/t");

	private TenantResolution resolve(String uri) {
		return this.resolver.resolve(new MockHttpServletRequest("GET", uri));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/t/acme", "/t/acme/", "/t/acme/trips", "/t/acme/trips/42" })
	void segmentAfterThePrefixRequestsATenant(String uri) {
		assertThat(resolve(uri)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/trips", "/t", "/tx/acme", "/trips/acme", "/api/t/acme" })
	void otherPathsSayNothing(String uri) {
		assertThat(resolve(uri)).isEqualTo(TenantResolution.none());
	}

	@ParameterizedTest
	@ValueSource(strings = { "/t/%61cme/trips", "/t/%61%63%6d%65", "/t/ACME/trips", "/t//trips", "/t/acme,globex/x",
			"/t/..%2Fglobex/x", "/t/-acme/x", "/t/acme;jsessionid=1/x" })
	void encodedOrMalformedSegmentIsInvalid(String uri) {
		assertThat(resolve(uri)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void contextPathIsStripped() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/t/globex/trips");
		request.setContextPath("/app");
		assertThat(this.resolver.resolve(request)).isEqualTo(TenantResolution.requested(TenantId.of("globex")));
	}

	@Test
	void prefixWithTrailingSlash() {
		PathTenantResolver slash = new PathTenantResolver("/tenants/");
		assertThat(slash.resolve(new MockHttpServletRequest("GET", "/tenants/acme/x")))
			.isEqualTo(TenantResolution.requested(TenantId.of("acme")));
		assertThat(slash.resolve(new MockHttpServletRequest("GET", "/t/acme/x"))).isEqualTo(TenantResolution.none());
	}

	@Test
	void needsAnAbsolutePrefix() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PathTenantResolver("t"));
		assertThatIllegalArgumentException().isThrownBy(() -> new PathTenantResolver(""));
		assertThatIllegalArgumentException().isThrownBy(() -> new PathTenantResolver(null));
	}

}

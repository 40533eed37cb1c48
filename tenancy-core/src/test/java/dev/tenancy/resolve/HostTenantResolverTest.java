package dev.tenancy.resolve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HostTenantResolverTest {

	private final HostTenantResolver resolver = new HostTenantResolver("travel.example");

	private TenantResolution resolve(String host) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
		request.setServerName(host);
		return this.resolver.resolve(request);
	}

	@Test
	void subdomainOfTheBaseDomainRequestsATenant() {
		assertThat(resolve("acme.travel.example")).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
		assertThat(resolve("globex.travel.example")).isEqualTo(TenantResolution.requested(TenantId.of("globex")));
	}

	@Test
	void hostHeaderWithPortIsUsed() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
		request.addHeader("Host", "acme.travel.example:8443");
		assertThat(this.resolver.resolve(request)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "ACME.TRAVEL.EXAMPLE", "Acme.Travel.Example", "acme.TRAVEL.example" })
	void hostIsCaseInsensitive(String host) {
		assertThat(resolve(host)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@Test
	void trailingDotIsIgnored() {
		assertThat(resolve("acme.travel.example.")).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@Test
	void baseDomainItselfSaysNothing() {
		assertThat(resolve("travel.example")).isEqualTo(TenantResolution.none());
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "acme.other.example", "eviltravel.example", "acme.eviltravel.example",
			"acme.travel.example.attacker.test", "travel.example.attacker.test", "127.0.0.1" })
	void hostOutsideTheBaseDomainSaysNothing(String host) {
		assertThat(resolve(host)).isEqualTo(TenantResolution.none());
	}

	@ParameterizedTest
	@ValueSource(strings = { "a.acme.travel.example", "www.acme.travel.example", "-acme.travel.example",
			"acme_x.travel.example", ".travel.example" })
	void deeperOrMalformedSubdomainIsInvalid(String host) {
		assertThat(resolve(host)).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void overlongHostNeverSelectsATenant() {
		assertThat(resolve("a".repeat(300) + ".travel.example")).isNotInstanceOf(TenantResolution.Requested.class);
	}

	@Test
	void nonAsciiLookAlikeHostNeverSelectsATenant() {
		// Cyrillic 'a' in "acme": must never be taken for the tenant acme.
		assertThat(resolve("\u0430cme.travel.example")).isNotInstanceOf(TenantResolution.Requested.class);
		assertThat(resolve("\uff41cme.travel.example")).isNotInstanceOf(TenantResolution.Requested.class);
	}

	@Test
	void baseDomainIsNormalised() {
		HostTenantResolver normalised = new HostTenantResolver(" .Travel.Example ");
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setServerName("acme.travel.example");
		assertThat(normalised.resolve(request)).isEqualTo(TenantResolution.requested(TenantId.of("acme")));
	}

	@Test
	void needsABaseDomain() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HostTenantResolver(null));
		assertThatIllegalArgumentException().isThrownBy(() -> new HostTenantResolver("  "));
	}

}

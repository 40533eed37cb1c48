package dev.tenancy.configserver.console;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/** A console session expires after the console's idle timeout, not the container's. */
class ConsoleSignInSuccessTest {

	@Test
	void aSignedInSessionGetsTheConsolesIdleTimeout() throws Exception {
		ConsoleSignInSuccess success = new ConsoleSignInSuccess(Duration.ofMinutes(30));
		success.setDefaultTargetUrl("/console/tenants");
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/console/login/oauth2/code/console");
		MockHttpServletResponse response = new MockHttpServletResponse();

		success.onAuthenticationSuccess(request, response, new TestingAuthenticationToken("operator", "n/a"));

		assertThat(request.getSession().getMaxInactiveInterval()).isEqualTo(1800);
		assertThat(response.getRedirectedUrl()).isEqualTo("/console/tenants");
	}

	@Test
	void aTimeoutBelowASecondStillExpires() throws Exception {
		ConsoleSignInSuccess success = new ConsoleSignInSuccess(Duration.ZERO);
		MockHttpServletRequest request = new MockHttpServletRequest();

		success.onAuthenticationSuccess(request, new MockHttpServletResponse(),
				new TestingAuthenticationToken("operator", "n/a"));

		// 0 or less would mean "never expires" to the servlet container
		assertThat(request.getSession().getMaxInactiveInterval()).isEqualTo(1);
	}

}

package dev.tenancy.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import dev.tenancy.test.RawHttp;

import static dev.tenancy.test.ErrorAnswers.HOSTILE_HOST;
import static dev.tenancy.test.ErrorAnswers.assertProblem;
import static dev.tenancy.test.ErrorAnswers.hostilePath;

/**
 * The error answers of {@link ErrorAnswerCases} without any profile (no token issuer, no
 * token decoder), as in production before an issuer is configured. The context is the one
 * {@link DefaultProfileTest} uses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ErrorAnswersDefaultProfileTest extends ErrorAnswerCases {

	@Test
	void adminApiWithoutAnyAdminMechanismIsClosed() {
		assertProblem(RawHttp.send(this.port, RawHttp.request("GET", "/admin/tenants" + hostilePath(), HOSTILE_HOST)),
				503, "admin_not_configured");
	}

}

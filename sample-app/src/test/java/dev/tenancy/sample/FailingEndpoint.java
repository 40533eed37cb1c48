package dev.tenancy.sample;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only endpoint that fails with a message holding a fake secret and SQL, to show
 * that neither reaches the response. The nested controller is registered as a member
 * class of this configuration, only in contexts that import it.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FailingEndpoint {

	/** A made-up credential that must never appear in a response. */
	public static final String FAKE_SECRET = "sk_live_FAKE_9f8e7d6c5b4a";

	/** Made-up SQL that must never appear in a response. */
	public static final String SQL = "SELECT card_number FROM payments WHERE api_key = '" + FAKE_SECRET + "'";

	@RestController
	static class FailingController {

		@GetMapping("/api/test/fail")
		String fail() {
			throw new IllegalStateException("Query failed: " + SQL);
		}

	}

}

package dev.tenancy.sample;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The app refuses to start when it would connect as a role that row-level security does
 * not bind: here the owner of the tables, a superuser on the test server.
 */
class StartupRowLevelSecurityCheckTest {

	@Test
	void theAppRefusesToStartAsTheOwner() {
		TestDatabase.Settings db = TestDatabase.settings();

		assertThatIllegalStateException()
			.isThrownBy(() -> new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
				.run(withOwner(db)))
			.withMessageContaining("Row-level security cannot isolate tenants")
			.withMessageContaining("database role '" + db.owner() + "'")
			.withMessageContaining("owns (or is a member of the owner of) table travel.trip");
	}

	private static String[] withOwner(TestDatabase.Settings db) {
		// The app's own arguments with the app role swapped for the owner.
		return Arrays.stream(TestDatabase.args("tenancy.jdbc.rls-check=fail", "tenancy.registry.jdbc.listen=false"))
			.map((arg) -> arg.startsWith("--spring.datasource.username=") ? "--spring.datasource.username=" + db.owner()
					: arg.startsWith("--spring.datasource.password=")
							? "--spring.datasource.password=" + db.ownerPassword() : arg)
			.toArray(String[]::new);
	}

}

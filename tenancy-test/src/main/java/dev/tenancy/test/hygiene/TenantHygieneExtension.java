package dev.tenancy.test.hygiene;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.MDC;

import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantThreadLocalAccessor;

/**
 * The JUnit extension behind {@link TenantHygiene}; register it directly
 * ({@code @ExtendWith} or {@code @RegisterExtension}) to use it without the annotation.
 */
public final class TenantHygieneExtension implements BeforeEachCallback, AfterEachCallback {

	private static final String SPRING_EXTENSION = "org.springframework.test.context.junit.jupiter.SpringExtension";

	@Override
	public void beforeEach(ExtensionContext context) {
		TenantSqlGuard.arm();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		TenantSqlGuard.disarm();
		List<String> problems = new ArrayList<>(leftInThread());
		springContext(context).ifPresent((spring) -> {
			String setting = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), TenantHygiene.class)
				.map(TenantHygiene::setting)
				.orElse("app.tenant_id");
			problems.addAll(leftOnConnections(spring, setting));
		});
		TenantSqlGuard.violations()
			.forEach((violation) -> problems.add("SQL on a tenant table ran with no tenant: " + violation));
		TenantSqlGuard.violations().clear();
		if (!problems.isEmpty()) {
			throw new AssertionError("Tenant hygiene: " + String.join("; ", problems));
		}
	}

	/**
	 * Tenant state left in the current thread, which is then cleared.
	 * @return the problems
	 */
	static List<String> leftInThread() {
		List<String> problems = new ArrayList<>();
		TenantContext.current().ifPresent((tenant) -> {
			problems.add("the test left tenant " + tenant.value() + " in TenantContext");
			new TenantThreadLocalAccessor().setValue();
		});
		String logged = MDC.get(TenantContext.MDC_KEY);
		if (logged != null) {
			problems.add("the test left tenant " + logged + " in the MDC (" + TenantContext.MDC_KEY + ")");
			MDC.remove(TenantContext.MDC_KEY);
		}
		return problems;
	}

	/**
	 * Idle pooled connections that still carry a tenant setting: borrows every idle
	 * connection of each pool at once (one connection for a data source that is not a
	 * Hikari pool).
	 * @param spring the application
	 * @param setting the setting's name
	 * @return the problems
	 */
	static List<String> leftOnConnections(ApplicationContext spring, String setting) {
		List<String> problems = new ArrayList<>();
		for (Map.Entry<String, DataSource> bean : spring.getBeansOfType(DataSource.class).entrySet()) {
			int idle = IdleConnections.count(bean.getValue());
			List<Connection> borrowed = new ArrayList<>();
			try {
				for (int i = 0; i < Math.max(1, idle); i++) {
					Connection connection = bean.getValue().getConnection();
					borrowed.add(connection);
					String value = settingOf(connection, setting);
					if (value != null && !value.isEmpty()) {
						problems.add("a pooled connection of DataSource '" + bean.getKey() + "' still has " + setting
								+ "=" + value);
						clear(connection, setting);
					}
				}
			}
			catch (SQLException ex) {
				problems.add("cannot check the connections of DataSource '" + bean.getKey() + "': " + ex.getMessage());
			}
			finally {
				borrowed.forEach(TenantHygieneExtension::closeQuietly);
			}
		}
		return problems;
	}

	private static String settingOf(Connection connection, String setting) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement
					.executeQuery("select current_setting('" + setting.replace("'", "''") + "', true)")) {
			return rs.next() ? rs.getString(1) : null;
		}
	}

	/** So the next test starts clean, whichever connection it gets. */
	private static void clear(Connection connection, String setting) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("select set_config('" + setting.replace("'", "''") + "', '', false)");
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// returning a connection to the pool; nothing to do
		}
	}

	private static java.util.Optional<ApplicationContext> springContext(ExtensionContext context) {
		if (!ClassUtils.isPresent(SPRING_EXTENSION, TenantHygieneExtension.class.getClassLoader())) {
			return java.util.Optional.empty();
		}
		return SpringContexts.of(context);
	}

}

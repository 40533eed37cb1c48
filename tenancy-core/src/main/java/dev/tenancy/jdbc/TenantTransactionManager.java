package dev.tenancy.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

import dev.tenancy.context.TenantContext;

/**
 * A JDBC transaction manager that puts the current tenant on each transaction's connection with
 * {@code set_config(setting, tenant, true)}: transaction-local, so it is gone at commit or rollback
 * and a pooled connection never carries one request's tenant into the next. Without a tenant the
 * setting is the empty string, which row-level security policies treat as "no tenant", so such
 * work sees no tenant rows. Work outside any transaction never has the setting either.
 */
public class TenantTransactionManager extends JdbcTransactionManager {

	/** The default setting name read by the policies: {@code current_setting('app.tenant_id', true)}. */
	public static final String DEFAULT_SETTING = "app.tenant_id";

	private static final Pattern SETTING = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

	private final String setting;

	/**
	 * Create a transaction manager using {@value #DEFAULT_SETTING}.
	 * @param dataSource the data source
	 */
	public TenantTransactionManager(DataSource dataSource) {
		this(dataSource, DEFAULT_SETTING);
	}

	/**
	 * Create a transaction manager.
	 * @param dataSource the data source
	 * @param setting the custom setting name, such as {@code app.tenant_id}
	 */
	public TenantTransactionManager(DataSource dataSource, String setting) {
		super(dataSource);
		if (setting == null || !SETTING.matcher(setting).matches()) {
			throw new IllegalArgumentException("The tenant setting must look like 'app.tenant_id'");
		}
		this.setting = setting;
	}

	@Override
	protected void prepareTransactionalConnection(Connection connection, TransactionDefinition definition)
			throws SQLException {
		super.prepareTransactionalConnection(connection, definition);
		String tenant = TenantContext.current().map(Object::toString).orElse("");
		try (PreparedStatement statement = connection.prepareStatement("select set_config(?, ?, true)")) {
			statement.setString(1, this.setting);
			statement.setString(2, tenant);
			statement.execute();
		}
	}

	/** @return the setting name */
	public String getSetting() {
		return this.setting;
	}

}

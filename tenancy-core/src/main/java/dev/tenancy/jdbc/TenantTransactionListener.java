package dev.tenancy.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.tenancy.context.TenantContext;

/**
 * Puts the current tenant on each new transaction's connection with
 * {@code select set_config(setting, tenant, true)}, as a listener of the application's
 * own transaction manager, which stays as it is: a {@code JdbcTransactionManager},
 * {@code DataSourceTransactionManager} or {@code JpaTransactionManager} (which binds its
 * {@code DataSource}'s connection during {@code doBegin}, so Hibernate and plain JDBC
 * inside one transaction share the setting).
 * <p>
 * The setting is transaction-local: gone at commit or rollback, so a pooled connection
 * never carries one request's tenant into the next. Without a tenant it is the empty
 * string, which row-level security policies treat as "no tenant": such work sees no
 * tenant rows. Work outside any transaction never has the setting at all, and a
 * transaction joined by an inner scope keeps the tenant it began with.
 */
public final class TenantTransactionListener implements TransactionExecutionListener {

	/**
	 * The default setting name read by the policies:
	 * {@code current_setting('app.tenant_id', true)}.
	 */
	public static final String DEFAULT_SETTING = "app.tenant_id";

	private static final Logger logger = LoggerFactory.getLogger(TenantTransactionListener.class);

	private static final Pattern SETTING = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

	private final PlatformTransactionManager manager;

	private final DataSource dataSource;

	private final String setting;

	/**
	 * Whether the data source is PostgreSQL, learnt from the first transaction: a manager
	 * of another database (an application's second, non-PostgreSQL data source) is left
	 * alone.
	 */
	private volatile Boolean postgres;

	/**
	 * Create a listener for one transaction manager.
	 * @param manager the transaction manager it listens to (to roll back a transaction it
	 * could not prepare)
	 * @param dataSource the manager's {@code DataSource}
	 * @param setting the custom setting name, such as {@code app.tenant_id}
	 */
	public TenantTransactionListener(PlatformTransactionManager manager, DataSource dataSource, String setting) {
		this.manager = manager;
		this.dataSource = dataSource;
		this.setting = requireValidSetting(setting);
	}

	/**
	 * Check a setting name: only {@code prefix.name} in lower case, so it can never carry
	 * SQL.
	 * @param setting the setting name
	 * @return the same name
	 * @throws IllegalArgumentException when it is not a valid custom setting name
	 */
	public static String requireValidSetting(String setting) {
		if (setting == null || !SETTING.matcher(setting).matches()) {
			throw new IllegalArgumentException("The tenant setting must look like 'app.tenant_id'");
		}
		return setting;
	}

	/**
	 * Add a listener to a transaction manager that has a {@code DataSource}, unless it
	 * already has one: safe to call more than once for the same manager.
	 * @param manager the transaction manager
	 * @param setting the custom setting name
	 * @return {@code true} if the manager now sets the tenant (it has a
	 * {@code DataSource}), {@code false} if it has none (JTA, a message broker's manager,
	 * ...)
	 */
	public static boolean register(ConfigurableTransactionManager manager, String setting) {
		if (manager.getTransactionExecutionListeners().stream().anyMatch(TenantTransactionListener.class::isInstance)) {
			return true;
		}
		if (!(manager instanceof PlatformTransactionManager platform)) {
			return false;
		}
		Optional<DataSource> dataSource = dataSourceOf(manager);
		dataSource.ifPresent((ds) -> manager.addListener(new TenantTransactionListener(platform, ds, setting)));
		return dataSource.isPresent();
	}

	/**
	 * The {@code DataSource} whose connection a transaction manager binds: its
	 * {@code dataSource} property, which {@code DataSourceTransactionManager},
	 * {@code JdbcTransactionManager} and {@code JpaTransactionManager} all have (read by
	 * name so JPA stays an optional dependency).
	 * @param manager the transaction manager
	 * @return its data source, if it has one
	 */
	public static Optional<DataSource> dataSourceOf(Object manager) {
		BeanWrapper wrapper = PropertyAccessorFactory.forBeanPropertyAccess(manager);
		if (!wrapper.isReadableProperty("dataSource")) {
			return Optional.empty();
		}
		return (wrapper.getPropertyValue("dataSource") instanceof DataSource dataSource) ? Optional.of(dataSource)
				: Optional.empty();
	}

	@Override
	public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
		if (beginFailure != null) {
			return;
		}
		String tenant = TenantContext.current().map(Object::toString).orElse("");
		try {
			if (!(TransactionSynchronizationManager.getResource(this.dataSource) instanceof ConnectionHolder)) {
				// Another connection from the pool would carry the setting, not the
				// transaction's.
				throw new IllegalStateException("the transaction manager bound no connection of its DataSource");
			}
			Connection connection = DataSourceUtils.getConnection(this.dataSource);
			if (!isPostgres(connection)) {
				return;
			}
			try (PreparedStatement statement = connection.prepareStatement("select set_config(?, ?, true)")) {
				statement.setString(1, this.setting);
				statement.setString(2, tenant);
				statement.execute();
			}
		}
		catch (SQLException | RuntimeException ex) {
			failed(transaction, ex);
		}
	}

	private boolean isPostgres(Connection connection) throws SQLException {
		Boolean known = this.postgres;
		if (known == null) {
			String product = connection.getMetaData().getDatabaseProductName();
			known = "PostgreSQL".equalsIgnoreCase(product);
			if (!known) {
				logger.info("Transactions of a {} data source do not get {}: row-level security by setting is "
						+ "PostgreSQL's", product, this.setting);
			}
			this.postgres = known;
		}
		return known;
	}

	/**
	 * The transaction has begun but its connection lacks the tenant. Where it is safe (a
	 * new outermost transaction, nothing suspended), roll it back and throw, as a failing
	 * begin would; otherwise (a REQUIRES_NEW or NESTED scope, whose caller resumes the
	 * outer transaction itself) mark it rollback-only: nothing it writes commits, and
	 * without the setting it sees no tenant rows.
	 */
	private void failed(TransactionExecution transaction, Exception ex) {
		if (transaction instanceof DefaultTransactionStatus status && status.getSuspendedResources() == null
				&& !status.hasSavepoint()) {
			try {
				this.manager.rollback(status);
			}
			catch (RuntimeException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw new CannotCreateTransactionException(
					"Could not set " + this.setting + " on the transaction's connection", ex);
		}
		logger.error("Could not set {} on the transaction's connection; the transaction will roll back", this.setting,
				ex);
		transaction.setRollbackOnly();
	}

	/**
	 * @return the setting name
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * @return the data source whose transactional connection gets the setting
	 */
	public DataSource getDataSource() {
		return this.dataSource;
	}

}

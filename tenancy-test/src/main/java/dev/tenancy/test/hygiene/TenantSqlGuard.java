package dev.tenancy.test.hygiene;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import dev.tenancy.context.TenantContext;
import dev.tenancy.jdbc.TenantTables;

/**
 * Watches SQL for statements that name a tenant table (one with a {@code tenant_id}
 * column) while no tenant is current: row-level security then shows nothing and refuses
 * every write, which hides a missing tenant scope behind empty answers. Only while a
 * {@link TenantHygiene} test runs (it arms the guard); the tenant registry's audit table
 * is not tenant data and is left out.
 * <p>
 * A bean post-processor that wraps every {@code DataSource} bean, registered for
 * {@link TenantHygiene} test classes; it can be declared as a bean by hand too.
 */
public final class TenantSqlGuard implements BeanPostProcessor {

	private static final List<String> violations = Collections.synchronizedList(new ArrayList<>());

	private static final Set<Watcher> watchers = new CopyOnWriteArraySet<>();

	private static final boolean HIKARI = org.springframework.util.ClassUtils
		.isPresent("com.zaxxer.hikari.HikariDataSource", TenantSqlGuard.class.getClassLoader());

	private static volatile boolean armed;

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource dataSource) || bean instanceof Watched) {
			return bean;
		}
		// A Hikari pool stays a Hikari pool (Spring Boot derives Flyway's and Liquibase's
		// data
		// sources from its type): a subclass with the same configuration, not yet
		// started.
		return (HIKARI && GuardedHikari.applies(dataSource)) ? GuardedHikari.of(dataSource) : new Guarded(dataSource);
	}

	/**
	 * What ran with no tenant since the guard was last armed.
	 * @return SQL and the thread it ran on (mutable: the extension clears it)
	 */
	public static List<String> violations() {
		return violations;
	}

	/**
	 * Start watching: reads each data source's tenant tables again.
	 */
	public static void arm() {
		violations.clear();
		watchers.forEach(Watcher::readTenantTables);
		armed = true;
	}

	/** Stop watching. */
	public static void disarm() {
		armed = false;
	}

	/** A data source of the guard. */
	interface Watched {

	}

	/**
	 * A plain data source whose connections report statements on tenant tables that run
	 * with no tenant.
	 */
	static final class Guarded extends DelegatingDataSource implements Watched {

		private final Watcher watcher;

		Guarded(DataSource target) {
			super(target);
			this.watcher = new Watcher(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			return this.watcher.watch(super.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return this.watcher.watch(super.getConnection(username, password));
		}

	}

	/** A Hikari pool whose connections are watched. */
	static final class GuardedHikari extends com.zaxxer.hikari.HikariDataSource implements Watched {

		private final Watcher watcher = new Watcher(this);

		static boolean applies(DataSource dataSource) {
			return dataSource.getClass() == com.zaxxer.hikari.HikariDataSource.class;
		}

		static DataSource of(DataSource dataSource) {
			com.zaxxer.hikari.HikariDataSource original = (com.zaxxer.hikari.HikariDataSource) dataSource;
			if (original.getHikariPoolMXBean() != null) {
				// already started: watching it would mean a second pool
				return new Guarded(dataSource);
			}
			GuardedHikari guarded = new GuardedHikari();
			original.copyStateTo(guarded);
			return guarded;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return this.watcher.watch(super.getConnection());
		}

		Connection rawConnection() throws SQLException {
			return super.getConnection();
		}

	}

	/**
	 * Watches the connections of one data source.
	 */
	static final class Watcher {

		private final DataSource source;

		private volatile List<Pattern> tenantTables = List.of();

		Watcher(DataSource source) {
			this.source = source;
			watchers.add(this);
		}

		void readTenantTables() {
			try {
				List<Pattern> patterns = new ArrayList<>();
				Connection raw = (this.source instanceof GuardedHikari hikari) ? hikari.rawConnection()
						: this.source.getConnection();
				try (raw) {
					JdbcClient.create(new org.springframework.jdbc.datasource.SingleConnectionDataSource(raw, true))
						.sql(TENANT_TABLES)
						.query((rs) -> {
							String table = Pattern.quote(rs.getString(2).toLowerCase(Locale.ROOT));
							String schema = Pattern.quote(rs.getString(1).toLowerCase(Locale.ROOT));
							patterns.add(Pattern.compile("(?<![\\w.])(" + schema + "\\.)?\"?" + table + "\"?(?!\\w)"));
						});
				}
				this.tenantTables = patterns;
			}
			catch (RuntimeException | SQLException ex) {
				// not PostgreSQL, or not reachable: nothing to watch
				this.tenantTables = List.of();
			}
		}

		void check(String sql) {
			if (!armed || sql == null || TenantContext.current().isPresent()) {
				return;
			}
			String lower = sql.toLowerCase(Locale.ROOT);
			for (Pattern table : this.tenantTables) {
				if (table.matcher(lower).find()) {
					violations.add("[" + Thread.currentThread().getName() + "] " + sql.strip().replaceAll("\\s+", " "));
					return;
				}
			}
		}

		Connection watch(Connection connection) {
			return proxy(Connection.class, connection, (method, args) -> {
				if ((method.getName().startsWith("prepare") || method.getName().equals("nativeSQL")) && args != null
						&& args.length > 0 && args[0] instanceof String sql) {
					check(sql);
				}
				Object result = method.invoke(connection, args);
				if (result instanceof CallableStatement || result instanceof PreparedStatement) {
					return result;
				}
				if (result instanceof Statement statement) {
					return watch(statement);
				}
				return result;
			});
		}

		private Statement watch(Statement statement) {
			return proxy(Statement.class, statement, (method, args) -> {
				if ((method.getName().startsWith("execute") || method.getName().equals("addBatch")) && args != null
						&& args.length > 0 && args[0] instanceof String sql) {
					check(sql);
				}
				return method.invoke(statement, args);
			});
		}

		private static <T> T proxy(Class<T> type, T target, Call call) {
			InvocationHandler handler = (proxy, method, args) -> {
				try {
					return call.invoke(method, args);
				}
				catch (InvocationTargetException ex) {
					throw ex.getCause();
				}
			};
			return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
		}

		@FunctionalInterface
		interface Call {

			Object invoke(Method method, Object[] args) throws Exception;

		}

	}

	private static final String TENANT_TABLES = "select n.nspname, c.relname " + TenantTables.FROM_TENANT_TABLES;

}

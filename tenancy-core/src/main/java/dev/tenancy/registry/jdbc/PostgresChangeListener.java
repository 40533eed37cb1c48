package dev.tenancy.registry.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenantId;

/**
 * Keeps a dedicated connection {@code LISTEN}ing on {@link JdbcTenantRegistry#CHANNEL}
 * and passes each changed tenant id on. When the connection is lost (database restart,
 * {@code pg_terminate_backend}, network) it reconnects by itself with backoff and then
 * reports a gap, since notifications sent meanwhile are lost: the cache then reloads
 * everything.
 * <p>
 * The connection does not come from the application's pool, so listening never takes a
 * pooled connection away from requests.
 */
public final class PostgresChangeListener implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PostgresChangeListener.class);

	private static final Duration POLL = Duration.ofMillis(250);

	/**
	 * Longest wait for the database on the listening connection, unless the connection
	 * comes with its own: without one, a connection whose peer vanished without a reset
	 * (a failover, a dropped route) would block the liveness check forever and the
	 * listener would never reconnect.
	 */
	static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(5);

	private final ConnectionFactory connections;

	private final Consumer<TenantId> onChange;

	private final Runnable onGap;

	private final Thread thread;

	private final CountDownLatch firstListen = new CountDownLatch(1);

	private final AtomicLong reconnects = new AtomicLong();

	private volatile Consumer<Duration> lagRecorder = (lag) -> {
	};

	private volatile boolean running = true;

	private volatile boolean connected;

	private volatile Connection current;

	/**
	 * Start listening.
	 * @param connections opens a new, unpooled connection
	 * @param onChange told the id of each changed tenant
	 * @param onGap told after each (re)connection that changes may have been missed
	 */
	public PostgresChangeListener(ConnectionFactory connections, Consumer<TenantId> onChange, Runnable onGap) {
		this.connections = connections;
		this.onChange = onChange;
		this.onGap = onGap;
		this.thread = new Thread(this::run, "tenancy-registry-listener");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Wait until the first {@code LISTEN} is in place.
	 * @param timeout how long to wait
	 * @return {@code true} if listening
	 * @throws InterruptedException if interrupted
	 */
	public boolean awaitListening(Duration timeout) throws InterruptedException {
		return this.firstListen.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && this.connected;
	}

	/**
	 * Add to what is told, for each change, how long after its commit this listener
	 * applied it: from the database's clock when the change was written (the
	 * {@link JdbcTenantRegistry#CHANGED_AT_CHANNEL} notification) to this instance's
	 * clock right after {@code onChange} returned. Clock skew between the two hosts adds
	 * to it (negative values count as zero).
	 * @param lagRecorder the recorder (for a timer, typically)
	 */
	public synchronized void addLagRecorder(Consumer<Duration> lagRecorder) {
		this.lagRecorder = this.lagRecorder.andThen(lagRecorder);
	}

	/**
	 * @return whether the listening connection is up
	 */
	public boolean isConnected() {
		return this.connected;
	}

	/**
	 * @return how many times the listener had to reconnect
	 */
	public long reconnects() {
		return this.reconnects.get();
	}

	private void run() {
		long backoffMillis = 100;
		boolean first = true;
		while (this.running) {
			try (Connection connection = this.connections.open()) {
				this.current = connection;
				if (connection.getNetworkTimeout() == 0) {
					connection.setNetworkTimeout(Runnable::run, (int) NETWORK_TIMEOUT.toMillis());
				}
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + JdbcTenantRegistry.CHANNEL);
					statement.execute("LISTEN " + JdbcTenantRegistry.CHANGED_AT_CHANNEL);
				}
				this.connected = true;
				if (!first) {
					this.reconnects.incrementAndGet();
					logger.info("Tenant change listener reconnected; reloading cached tenants");
				}
				first = false;
				this.onGap.run();
				this.firstListen.countDown();
				backoffMillis = 100;
				PGConnection pg = connection.unwrap(PGConnection.class);
				while (this.running) {
					PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
					if (notifications != null) {
						for (PGNotification notification : notifications) {
							handle(notification);
						}
					}
					if (notifications == null || notifications.length == 0) {
						// getNotifications only notices a dead socket when it reads; a
						// cheap query does.
						checkAlive(connection);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.running) {
					break;
				}
				if (this.connected) {
					logger.warn("Tenant change listener lost its connection: {}", ex.getMessage());
				}
				else {
					logger.debug("Tenant change listener cannot connect: {}", ex.getMessage());
				}
			}
			finally {
				this.connected = false;
				this.current = null;
			}
			sleep(backoffMillis);
			backoffMillis = Math.min(backoffMillis * 2, 2000);
		}
	}

	// Notifications come in commit order, and a change's time right after its id: by the
	// time its time arrives, the change itself has been applied.
	private void handle(PGNotification notification) {
		if (JdbcTenantRegistry.CHANNEL.equals(notification.getName())) {
			TenantId.parse(notification.getParameter()).ifPresent(this.onChange);
		}
		else if (JdbcTenantRegistry.CHANGED_AT_CHANNEL.equals(notification.getName())) {
			Duration lag = lag(notification.getParameter(), Instant.now());
			if (lag != null) {
				this.lagRecorder.accept(lag);
			}
		}
	}

	/**
	 * The lag of a change-time payload ({@code "<tenant id> <epoch microseconds>"}).
	 * @param payload the payload
	 * @param now the time the change was applied
	 * @return the lag (zero if the payload is in the future), or {@code null} if the
	 * payload is not one
	 */
	static Duration lag(String payload, Instant now) {
		int space = (payload != null) ? payload.indexOf(' ') : -1;
		if (space < 0 || TenantId.parse(payload.substring(0, space)).isEmpty()) {
			return null;
		}
		String micros = payload.substring(space + 1);
		if (micros.isEmpty() || micros.length() > 18 || !micros.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		Instant committed = Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
		return committed.isAfter(now) ? Duration.ZERO : Duration.between(committed, now);
	}

	private static void checkAlive(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("select 1");
		}
	}

	private void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	@Override
	public void close() {
		this.running = false;
		Connection connection = this.current;
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				logger.debug("Closing listener connection failed", ex);
			}
		}
		this.thread.interrupt();
		try {
			this.thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Opens unpooled connections to the registry database.
	 */
	@FunctionalInterface
	public interface ConnectionFactory {

		/**
		 * Open a connection.
		 * @return a new connection
		 * @throws SQLException on failure
		 */
		Connection open() throws SQLException;

		/**
		 * Unpooled connections to a JDBC URL, with bounded connect and login time (so
		 * reconnecting into an unreachable network cannot hang) and an application name
		 * operators can find the listener by in {@code pg_stat_activity}.
		 * @param jdbcUrl the database's JDBC URL
		 * @param username the user, or {@code null} for the URL's or the driver's default
		 * @param password the password, or {@code null}
		 * @return the factory
		 */
		static ConnectionFactory forUrl(String jdbcUrl, String username, String password) {
			Properties properties = new Properties();
			if (username != null) {
				properties.setProperty("user", username);
			}
			if (password != null) {
				properties.setProperty("password", password);
			}
			properties.setProperty("connectTimeout", "5");
			properties.setProperty("loginTimeout", "5");
			properties.setProperty("ApplicationName", "tenancy-registry-listener");
			return () -> DriverManager.getConnection(jdbcUrl, properties);
		}

	}

}

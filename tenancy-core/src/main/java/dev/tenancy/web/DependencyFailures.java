package dev.tenancy.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells the failures of a dependency the request needed apart from bugs, and a client
 * that hung up apart from a server-side socket error.
 * <p>
 * Why by cause chain: the same database outage surfaces as a
 * {@link CannotCreateTransactionException} (no connection, or a pooled one found dead
 * when the transaction began), a {@link DataAccessResourceFailureException} (a statement
 * or commit on a broken connection), a {@code TransactionSystemException} (a rollback on
 * a closed connection) or a bare {@link SQLException}; what they share is an SQL state of
 * class 08 (connection exception), 57P01-57P03 (the server shutting down or starting) or
 * a JDBC connection exception type in the chain.
 */
final class DependencyFailures {

	private static final int MAX_DEPTH = 32;

	/**
	 * Exceptions raised by the servlet container or Spring MVC when writing to (or
	 * reading from) the HTTP client's own connection, matched by name so no container is
	 * needed on the class path.
	 */
	private static final String[] CLIENT_DISCONNECT_TYPES = { "org.apache.catalina.connector.ClientAbortException",
			"org.springframework.web.context.request.async.AsyncRequestNotUsableException",
			"org.eclipse.jetty.io.EofException" };

	private DependencyFailures() {
	}

	/**
	 * Whether a failure means the database could not be reached or lost the connection:
	 * the request may be retried later, and did not commit (or, for a connection lost
	 * during the commit, its outcome is unknown).
	 * @param failure the failure
	 * @return whether it is a database outage rather than a bug or a refused statement
	 */
	static boolean isDatabaseUnavailable(Throwable failure) {
		Map<Throwable, Boolean> seen = new IdentityHashMap<>();
		for (Throwable ex = failure; ex != null && seen.put(ex, Boolean.TRUE) == null
				&& seen.size() <= MAX_DEPTH; ex = ex.getCause()) {
			if (ex instanceof CannotCreateTransactionException || ex instanceof DataAccessResourceFailureException
					|| ex instanceof TransientDataAccessResourceException
					|| ex instanceof SQLTransientConnectionException || ex instanceof SQLNonTransientConnectionException
					|| ex instanceof SQLRecoverableException) {
				return true;
			}
			if (ex instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
				return true;
			}
			if (ex instanceof TransactionSystemException tse) {
				// The JDBC commit or rollback itself failed with an error the translator
				// did not
				// know (the pool's "Connection is closed" after it evicted a broken
				// connection, for
				// one): the connection is gone and the outcome is unknown.
				if (tse.getCause() instanceof SQLException) {
					return true;
				}
				// A rollback after the failure failed too: the failure that started it is
				// what
				// the request met.
				if (tse.getApplicationException() != null && tse.getApplicationException() != failure
						&& isDatabaseUnavailable(tse.getApplicationException())) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether a failure is the HTTP client having gone away: an exception of the
	 * container's (or Spring MVC's) own response stream somewhere in the chain. A "Broken
	 * pipe", "Connection reset" or {@link java.io.EOFException} alone is not enough: a
	 * database or any other socket the request used fails with the same words.
	 * @param failure the failure
	 * @return whether the client disconnected
	 */
	static boolean isClientDisconnect(Throwable failure) {
		Map<Throwable, Boolean> seen = new IdentityHashMap<>();
		for (Throwable ex = failure; ex != null && seen.put(ex, Boolean.TRUE) == null
				&& seen.size() <= MAX_DEPTH; ex = ex.getCause()) {
			for (Class<?> type = ex.getClass(); type != null; type = type.getSuperclass()) {
				for (String name : CLIENT_DISCONNECT_TYPES) {
					if (name.equals(type.getName())) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static boolean isConnectionState(String state) {
		if (state == null) {
			return false;
		}
		// 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot
		// connect now;
		// 53300: too many connections.
		return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
				|| state.equals("53300");
	}

}

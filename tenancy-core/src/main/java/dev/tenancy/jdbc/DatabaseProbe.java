package dev.tenancy.jdbc;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

/**
 * Asks whether the application's database answers, within a time budget, for health
 * checks.
 * <p>
 * A pool waits its whole connection timeout for a connection while the database is away,
 * and a health check must not: the probe runs on a thread of its own and the caller waits
 * at most the budget. Only one probe runs at a time; callers that come while it runs
 * share it, and once it has overrun a budget they are answered "no answer" at once
 * instead of waiting again, so a health request with several database-backed indicators
 * (and a burst of health requests) costs one budget, not one each.
 */
public final class DatabaseProbe {

	private final DataSource dataSource;

	private final Duration budget;

	private Attempt current;

	/**
	 * Create a probe.
	 * @param dataSource the database
	 * @param budget how long a caller waits for the answer
	 */
	public DatabaseProbe(DataSource dataSource, Duration budget) {
		this.dataSource = dataSource;
		this.budget = budget;
	}

	/**
	 * Whether the database answers.
	 * @return the result, within the budget
	 */
	public Result check() {
		Attempt attempt = attempt();
		if (attempt.overran) {
			return Result.NO_ANSWER;
		}
		try {
			return attempt.result.get(this.budget.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			attempt.overran = true;
			return Result.NO_ANSWER;
		}
		catch (ExecutionException ex) {
			return Result.UNREACHABLE;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Result.NO_ANSWER;
		}
	}

	private synchronized Attempt attempt() {
		if (this.current == null || this.current.result.isDone()) {
			Attempt attempt = new Attempt(new CompletableFuture<>());
			Thread thread = new Thread(() -> attempt.result.complete(probe()), "tenancy-database-probe");
			thread.setDaemon(true);
			thread.start();
			this.current = attempt;
		}
		return this.current;
	}

	private Result probe() {
		try (Connection connection = this.dataSource.getConnection()) {
			int seconds = (int) Math.max(1, (this.budget.toMillis() + 999) / 1000);
			return connection.isValid(seconds) ? Result.UP : Result.UNREACHABLE;
		}
		catch (Exception ex) {
			return Result.UNREACHABLE;
		}
	}

	/**
	 * One probe and whether a caller already gave up waiting for it.
	 */
	private static final class Attempt {

		final CompletableFuture<Result> result;

		volatile boolean overran;

		Attempt(CompletableFuture<Result> result) {
			this.result = result;
		}

	}

	/**
	 * What the probe found.
	 */
	public enum Result {

		/** A connection was valid. */
		UP("up"),

		/** No connection could be had, or it was not valid. */
		UNREACHABLE("unreachable"),

		/** No answer within the budget. */
		NO_ANSWER("no answer within the health timeout");

		private final String description;

		Result(String description) {
			this.description = description;
		}

		/**
		 * Whether the database answered.
		 * @return {@code true} for {@link #UP}
		 */
		public boolean isUp() {
			return this == UP;
		}

		/**
		 * What the result means, for health details.
		 * @return the description
		 */
		public String description() {
			return this.description;
		}

	}

}

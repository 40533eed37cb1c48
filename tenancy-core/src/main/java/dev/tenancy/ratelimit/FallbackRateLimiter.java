package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.context.TenantContext;

/**
 * Fronts the Redis limiter with a timeout, an answer wait and a {@link CircuitBreaker},
 * and decides per {@link FailureMode} whenever Redis does not: {@link FailureMode#LOCAL}
 * asks the local limiter (this instance's share of what Redis last reported),
 * {@link FailureMode#OPEN} admits, {@link FailureMode#CLOSED} rejects.
 * <p>
 * <b>Slow is not down.</b> A command that has not answered within the timeout (100 ms)
 * may still run in Redis and take its tokens there, so admitting its request locally
 * could admit it against a bucket Redis already emptied (two instances on a busy machine
 * admitted 73 of a 40-per-hour plan that way). Instead:
 * <ul>
 * <li>An answer within the timeout is the decision.</li>
 * <li>Past the timeout the decision keeps waiting for Redis's answer, up to the answer
 * wait (1 s; the Redis client's command timeout should be as long), and that answer is
 * the decision: exact, however slow. Only a request that the state Redis last reported
 * proves to be rejected (a bucket with fewer tokens than the cost and no refill due
 * since) is rejected at the timeout without waiting, as Redis would reject it too.</li>
 * <li>A late answer counts as a success for the breaker. Only errors (refused, not
 * connected, reset) and no answer within the answer wait are failures; after
 * {@code failureThreshold} consecutive failures the breaker opens and requests stop going
 * to Redis at all, until a single probe after {@code openDuration} succeeds.</li>
 * </ul>
 * The returned stage never fails and completes within about the answer wait.
 * <p>
 * <b>Unreachable.</b> With a {@link LocalRateLimiter} the fallback starts from the last
 * state Redis reported for each bucket (remaining tokens, next refill) and admits at most
 * {@code remaining / expectedInstances} of it until that refill, then
 * {@code limit / expectedInstances} per window: so when {@code expectedInstances} is
 * right and each instance's last report is current, all instances together admit at most
 * what Redis had left, and at most the plan per window after. An instance whose last
 * report is older (others spent since) may admit its share of the older count; one that
 * never saw a bucket starts from a full share. If {@code expectedInstances} is lower than
 * the real number of instances, each instance still admits its larger share: up to
 * {@code instances / expectedInstances} times the plan (the default 1 lets every instance
 * admit the whole plan from a fresh bucket). Shares are rounded down but at least one
 * token per window, so a plan smaller than the number of instances admits one request per
 * instance per window.
 * <p>
 * <b>Reconciliation.</b> Tokens the local limiter admitted are recorded per tenant and
 * user and charged to Redis ({@link RateLimiter#charge}) before this instance's next
 * Redis decision once the breaker lets a call through: the bucket goes down by the local
 * spend, to empty at most. A charge that fails is kept and retried at the next recovery;
 * one that succeeds is forgotten, so none is charged twice unless its outcome was unknown
 * (a charge that timed out but ran, which under-admits). Until the charge lands other
 * instances may admit against the uncharged tokens. Engines that cannot charge drop the
 * spend.
 * <p>
 * Each consumption is observed as {@value #OBSERVATION} (low-cardinality keys
 * {@code source}, {@code outcome} and {@code fallback}: {@code none}, {@code slow} (a
 * rejection proven by the last report at the timeout), {@code timeout}, {@code error} or
 * {@code circuit_open}; the tenant id as a high-cardinality key), and the Redis call
 * inside it as {@value #REDIS_OBSERVATION}.
 */
public final class FallbackRateLimiter implements RateLimiter {

	/** Name of the observation of a rate-limit decision. */
	public static final String OBSERVATION = "tenancy.ratelimit.decision";

	/** Name of the observation of the Redis call inside a decision. */
	public static final String REDIS_OBSERVATION = "tenancy.ratelimit.redis";

	private static final Logger logger = LoggerFactory.getLogger(FallbackRateLimiter.class);

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private final RateLimiter redis;

	private final RateLimiter local;

	private final FailureModePolicy failureModes;

	private final RateLimitMetrics metrics;

	private final long timeoutNanos;

	private final long answerWaitNanos;

	private final CircuitBreaker breaker;

	/** The local limiter when it can be seeded and reconciled, else {@code null}. */
	private final LocalRateLimiter seeded;

	/** What the local limiter admitted and Redis does not know yet, or {@code null}. */
	private final LocalSpend spend;

	/** The charge of the local spend in flight, guarded by {@code this}. */
	private volatile CompletableFuture<Void> reconciling;

	/**
	 * A fallback limiter with the default settings.
	 * @param redis the distributed limiter
	 * @param local the local limiter
	 */
	public FallbackRateLimiter(RateLimiter redis, RateLimiter local) {
		this(redis, local, Settings.defaults(), FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE);
	}

	/**
	 * A fallback limiter.
	 * @param redis the distributed limiter
	 * @param local the local limiter, used in {@link FailureMode#LOCAL}
	 * @param settings timeout and breaker settings
	 * @param failureModes the failure mode of each plan
	 * @param metrics where to report
	 */
	public FallbackRateLimiter(RateLimiter redis, RateLimiter local, Settings settings, FailureModePolicy failureModes,
			RateLimitMetrics metrics) {
		this.redis = Objects.requireNonNull(redis, "redis");
		this.local = Objects.requireNonNull(local, "local");
		this.failureModes = Objects.requireNonNull(failureModes, "failureModes");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.timeoutNanos = settings.timeout().toNanos();
		this.answerWaitNanos = settings.answerWait().toNanos();
		this.seeded = (local instanceof LocalRateLimiter localLimiter) ? localLimiter : null;
		this.spend = (this.seeded != null) ? this.seeded.spend() : null;
		this.breaker = new CircuitBreaker(settings.failureThreshold(), settings.openDuration());
		this.metrics.degradedState(this::isDegraded);
	}

	/**
	 * Whether requests are decided without Redis (the breaker is open or probing).
	 * @return {@code true} while degraded
	 */
	public boolean isDegraded() {
		return this.breaker.state() != CircuitBreaker.State.CLOSED;
	}

	/**
	 * @return the breaker's state
	 */
	public CircuitBreaker.State state() {
		return this.breaker.state();
	}

	/**
	 * Observe decisions with this registry (the default observes nothing).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = (observationRegistry != null) ? observationRegistry : ObservationRegistry.NOOP;
	}

	@Override
	public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observationRegistry);
		if (observation.isNoop()) {
			return decide(request, RateLimiter::consume, true, observation);
		}
		observation.contextualName("rate limit decision")
			.lowCardinalityKeyValue("fallback", "none")
			.highCardinalityKeyValue(TenantContext.MDC_KEY, request.plan().tenant().value())
			.start();
		CompletionStage<RateLimitDecision> decided;
		try (Observation.Scope scope = observation.openScope()) {
			decided = decide(request, RateLimiter::consume, true, observation);
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		return decided.whenComplete((decision, ex) -> {
			if (decision != null) {
				observation.lowCardinalityKeyValue("source", decision.source().name().toLowerCase(Locale.ROOT));
				observation.lowCardinalityKeyValue("outcome", decision.allowed() ? "allowed" : "rejected");
			}
			if (ex != null) {
				observation.error(ex);
			}
			observation.stop();
		});
	}

	/**
	 * Peeks like {@link #consume}, with the same timeout, breaker and failure modes; only
	 * consumptions are reported as decisions and fallbacks in the metrics.
	 */
	@Override
	public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
		return decide(request, RateLimiter::peek, false, Observation.NOOP);
	}

	private CompletionStage<RateLimitDecision> decide(RateLimitRequest request, Operation operation, boolean consuming,
			Observation decision) {
		if (!this.breaker.tryAcquire()) {
			decision.lowCardinalityKeyValue("fallback", "circuit_open");
			return fallback(request, "circuit_open", operation, consuming);
		}
		CompletableFuture<Void> reconciled = reconcileIfDue();
		if (reconciled == null) {
			return ask(request, operation, consuming, decision);
		}
		// This instance's outage spend goes to Redis before Redis decides for it again
		// (waiting for the charge at most the timeout).
		return reconciled.handle((ignored, ex) -> (Void) null)
			.completeOnTimeout(null, this.timeoutNanos, TimeUnit.NANOSECONDS)
			.thenCompose((ignored) -> ask(request, operation, consuming, decision));
	}

	/**
	 * Asks Redis. An answer within the timeout is the decision. A later one is still
	 * awaited, up to the answer wait, because the command may well run in Redis (taking
	 * tokens there) and only its answer is exact; meanwhile a request that Redis's last
	 * report proves to be rejected is rejected at the timeout. A failure, or no answer
	 * within the answer wait, goes to the failure mode.
	 */
	private CompletionStage<RateLimitDecision> ask(RateLimitRequest request, Operation operation, boolean consuming,
			Observation decision) {
		// A child of the decision (its scope is open): the Redis round trip on its own.
		Observation call = decision.isNoop() ? Observation.NOOP
				: Observation.createNotStarted(REDIS_OBSERVATION, this.observationRegistry)
					.contextualName("rate limit redis")
					.start();
		Asking asking = new Asking(request, operation, consuming, decision, call);
		CompletableFuture<RateLimitDecision> answer;
		try {
			answer = operation.apply(this.redis, request).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		asking.answer = answer;
		answer.whenComplete(asking::answered);
		if (!asking.result.isDone()) {
			Deadlines.after(this.timeoutNanos, asking::timedOut);
		}
		return asking.result;
	}

	/**
	 * One decision asked of Redis. The engine's answer, the timeout and the answer wait
	 * race; whichever comes first decides (once) and settles the breaker (once). Nothing
	 * completes or cancels the engine's own future: it may be shared by coalesced
	 * decisions.
	 */
	private final class Asking {

		private static final int SETTLED = 1;

		private static final int DECIDED = 2;

		final CompletableFuture<RateLimitDecision> result = new CompletableFuture<>();

		private final RateLimitRequest request;

		private final Operation operation;

		private final boolean consuming;

		private final Observation decision;

		private final Observation call;

		private final long startNanos = System.nanoTime();

		private final AtomicInteger done = new AtomicInteger();

		volatile CompletableFuture<RateLimitDecision> answer;

		Asking(RateLimitRequest request, Operation operation, boolean consuming, Observation decision,
				Observation call) {
			this.request = request;
			this.operation = operation;
			this.consuming = consuming;
			this.decision = decision;
			this.call = call;
		}

		/** Redis answered or failed, however late. */
		void answered(RateLimitDecision made, Throwable ex) {
			if (mark(SETTLED)) {
				settle(this.request, made, ex, System.nanoTime() - this.startNanos, this.call);
			}
			if (ex == null && made != null) {
				if (mark(DECIDED)) {
					this.result.complete(accepted(this.request, made, this.consuming));
				}
				return;
			}
			decideByFailureMode(isTimeout(unwrap(ex)) ? "timeout" : "error");
		}

		/**
		 * The timeout passed. Slow is not down: keep waiting for the answer, up to the
		 * answer wait, unless Redis's last report already proves a rejection.
		 */
		void timedOut() {
			CompletableFuture<RateLimitDecision> answer = this.answer;
			if ((this.done.get() & DECIDED) != 0 || (answer != null && answer.isDone())) {
				return;
			}
			Optional<RateLimitDecision> rejected = rejectionFromReport(this.request);
			if (rejected.isPresent()) {
				if (mark(DECIDED)) {
					this.decision.lowCardinalityKeyValue("fallback", "slow");
					if (this.consuming) {
						FallbackRateLimiter.this.metrics.fallback(this.request, FailureMode.LOCAL, "slow");
						FallbackRateLimiter.this.metrics.decision(this.request, rejected.get());
					}
					this.result.complete(rejected.get());
				}
				return;
			}
			Deadlines.after(
					Math.max(1, FallbackRateLimiter.this.answerWaitNanos - FallbackRateLimiter.this.timeoutNanos),
					this::answerWaitPassed);
		}

		/**
		 * No answer within the answer wait: a failure for the breaker, and the failure
		 * mode decides.
		 */
		void answerWaitPassed() {
			CompletableFuture<RateLimitDecision> answer = this.answer;
			if (answer != null && answer.isDone()) {
				return;
			}
			if (mark(SETTLED)) {
				settle(this.request, null, new TimeoutException("Redis did not answer within the answer wait"),
						System.nanoTime() - this.startNanos, this.call);
			}
			decideByFailureMode("timeout");
		}

		private void decideByFailureMode(String reason) {
			if (!mark(DECIDED)) {
				return;
			}
			this.decision.lowCardinalityKeyValue("fallback", reason);
			fallback(this.request, reason, this.operation, this.consuming).whenComplete((made, ex) -> {
				if (ex != null) {
					this.result.completeExceptionally(ex);
				}
				else {
					this.result.complete(made);
				}
			});
		}

		/** Whether this call set the flag (it was not set before). */
		private boolean mark(int flag) {
			int before = this.done.getAndAccumulate(flag, (current, bit) -> current | bit);
			return (before & flag) == 0;
		}

	}

	/** Redis answered: its decision stands. */
	private RateLimitDecision accepted(RateLimitRequest request, RateLimitDecision made, boolean consuming) {
		if (consuming) {
			this.metrics.decision(request, made);
		}
		return made;
	}

	/**
	 * The breaker, metrics, observation and reported state, once Redis answered, failed
	 * or the answer wait passed. An answer within the answer wait counts as a success
	 * however slow it was: only a Redis that fails or does not answer at all opens the
	 * breaker.
	 */
	private void settle(RateLimitRequest request, RateLimitDecision made, Throwable ex, long elapsed,
			Observation call) {
		Throwable failure = (ex != null) ? unwrap(ex) : null;
		call.lowCardinalityKeyValue("outcome",
				(failure == null) ? "success" : isTimeout(failure) ? "timeout" : "error");
		if (failure != null) {
			call.error(failure);
		}
		call.stop();
		if (failure == null && made != null) {
			this.metrics.redisCall(elapsed, true);
			if (this.seeded != null) {
				this.seeded.observe(request, made);
			}
			if (this.breaker.onSuccess()) {
				logger.info("Redis answers again: rate limits are decided in Redis");
			}
			return;
		}
		this.metrics.redisCall(elapsed, false);
		if (this.breaker.onFailure()) {
			logger.warn("Redis is unavailable for rate limiting ({}): deciding per failure mode until it answers",
					String.valueOf(failure));
		}
		else {
			logger.debug("Rate-limit decision in Redis failed: {}", String.valueOf(failure));
		}
	}

	private Optional<RateLimitDecision> rejectionFromReport(RateLimitRequest request) {
		if (this.seeded == null) {
			return Optional.empty();
		}
		try {
			return this.seeded.rejectionFromReport(request);
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Starts charging the local spend to Redis, if there is any and no charge is in
	 * flight.
	 * @return the charge in flight, or {@code null} when there is nothing to wait for
	 */
	private CompletableFuture<Void> reconcileIfDue() {
		LocalSpend spend = this.spend;
		if (spend == null || (!spend.hasUncharged() && this.reconciling == null)) {
			return null;
		}
		synchronized (this) {
			CompletableFuture<Void> inFlight = this.reconciling;
			if (inFlight != null && !inFlight.isDone()) {
				return inFlight;
			}
			this.reconciling = null;
			if (!spend.hasUncharged()) {
				return null;
			}
			List<LocalSpend.Charge> charges = spend.drain();
			CompletableFuture<?>[] sent = new CompletableFuture<?>[charges.size()];
			for (int i = 0; i < sent.length; i++) {
				LocalSpend.Charge charge = charges.get(i);
				sent[i] = charge(charge).whenComplete((ignored, ex) -> {
					Throwable failure = unwrap(ex);
					if (failure instanceof UnsupportedOperationException) {
						// this limiter cannot charge: dropping is all there is
						spend.settle(charge, true);
						logger.debug("Rate limiter cannot charge local spend: {}", failure.toString());
						return;
					}
					spend.settle(charge, ex == null);
					if (ex != null) {
						logger.debug("Charging local rate-limit spend failed, kept for the next recovery: {}",
								String.valueOf(failure));
					}
				});
			}
			this.reconciling = CompletableFuture.allOf(sent);
			return this.reconciling;
		}
	}

	private CompletableFuture<Void> charge(LocalSpend.Charge charge) {
		try {
			return this.redis.charge(charge.request(), charge.tokens())
				.toCompletableFuture()
				.copy()
				.orTimeout(this.answerWaitNanos, TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private CompletionStage<RateLimitDecision> fallback(RateLimitRequest request, String reason, Operation operation,
			boolean consuming) {
		FailureMode mode;
		try {
			mode = this.failureModes.modeFor(request.plan());
		}
		catch (RuntimeException ex) {
			mode = FailureMode.LOCAL;
		}
		if (consuming) {
			this.metrics.fallback(request, mode, reason);
		}
		CompletionStage<RateLimitDecision> decided = switch (mode) {
			case OPEN -> CompletableFuture.completedFuture(RateLimitDecision.failOpen(request));
			case CLOSED -> CompletableFuture
				.completedFuture(RateLimitDecision.failClosed(request, this.breaker.remainingOpenNanos()));
			case LOCAL -> local(request, operation);
		};
		return decided.thenApply((decision) -> {
			if (consuming) {
				this.metrics.decision(request, decision);
			}
			return decision;
		});
	}

	private CompletionStage<RateLimitDecision> local(RateLimitRequest request, Operation operation) {
		CompletableFuture<RateLimitDecision> decided;
		try {
			decided = operation.apply(this.local, request).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			decided = CompletableFuture.failedFuture(ex);
		}
		return decided.exceptionally((ex) -> {
			logger.warn("Local rate limiting failed, admitting the request: {}", String.valueOf(unwrap(ex)));
			return RateLimitDecision.failOpen(request);
		});
	}

	/** {@link RateLimiter#consume} or {@link RateLimiter#peek}. */
	@FunctionalInterface
	private interface Operation {

		CompletionStage<RateLimitDecision> apply(RateLimiter limiter, RateLimitRequest request);

	}

	private static boolean isTimeout(Throwable ex) {
		// by name too: bucket4j's and Lettuce's timeouts, without depending on either
		// library
		return ex instanceof TimeoutException || (ex != null && ex.getClass().getName().endsWith("TimeoutException"));
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Settings of the fallback.
	 *
	 * @param timeout how long a decision waits for Redis before it counts as slow: a
	 * request that Redis's last report proves to be rejected is then rejected without
	 * waiting longer
	 * @param failureThreshold consecutive failures (errors, or no answer within
	 * {@code answerWait}) that open the breaker
	 * @param openDuration how long the breaker stays open before a probe
	 * @param answerWait how long a decision waits for Redis's answer at most before the
	 * failure mode decides (at least the timeout); the Redis client's own command timeout
	 * should be as long, so that a slow answer is not cut off
	 */
	public record Settings(Duration timeout, int failureThreshold, Duration openDuration, Duration answerWait) {

		/** The default {@link #answerWait()}. */
		public static final Duration DEFAULT_ANSWER_WAIT = Duration.ofSeconds(1);

		public Settings {
			Objects.requireNonNull(timeout, "timeout");
			Objects.requireNonNull(openDuration, "openDuration");
			Objects.requireNonNull(answerWait, "answerWait");
			if (timeout.isZero() || timeout.isNegative()) {
				throw new IllegalArgumentException("timeout must be positive");
			}
			if (failureThreshold < 1) {
				throw new IllegalArgumentException("failureThreshold must be at least 1");
			}
			if (openDuration.isNegative()) {
				throw new IllegalArgumentException("openDuration must not be negative");
			}
			if (answerWait.compareTo(timeout) < 0) {
				throw new IllegalArgumentException("answerWait must be at least the timeout");
			}
		}

		/**
		 * Settings with the default answer wait ({@link #answerWait(Duration)}).
		 * @param timeout how long a decision waits before it counts as slow
		 * @param failureThreshold consecutive failures that open the breaker
		 * @param openDuration how long the breaker stays open before a probe
		 */
		public Settings(Duration timeout, int failureThreshold, Duration openDuration) {
			this(timeout, failureThreshold, openDuration, answerWait(timeout));
		}

		/**
		 * The default answer wait for a timeout: {@link #DEFAULT_ANSWER_WAIT}, or the
		 * timeout when that is longer. Also the command timeout the Redis client of the
		 * limiter should have.
		 * @param timeout the timeout
		 * @return the answer wait
		 */
		public static Duration answerWait(Duration timeout) {
			return (timeout.compareTo(DEFAULT_ANSWER_WAIT) > 0) ? timeout : DEFAULT_ANSWER_WAIT;
		}

		/**
		 * The defaults: 100 ms timeout, open after 5 consecutive failures, probe after 1
		 * s, wait 1 s at most for a slow answer.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(Duration.ofMillis(100), 5, Duration.ofSeconds(1));
		}

	}

}

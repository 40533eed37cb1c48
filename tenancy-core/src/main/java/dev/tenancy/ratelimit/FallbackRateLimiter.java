package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.context.TenantContext;

/**
 * Fronts the Redis limiter with a short timeout and a {@link CircuitBreaker}, and decides
 * per {@link FailureMode} whenever Redis does not: {@link FailureMode#LOCAL} asks the
 * local limiter (this instance's share of the plan), {@link FailureMode#OPEN} admits,
 * {@link FailureMode#CLOSED} rejects.
 * <p>
 * A Redis decision that fails or takes longer than the timeout counts as a failure; after
 * {@code failureThreshold} consecutive failures the breaker opens and requests stop going
 * to Redis at all (no request waits for a timeout), until a single probe after
 * {@code openDuration} succeeds and Redis takes over again by itself. The returned stage
 * never fails and completes within about the timeout.
 * <p>
 * Tokens spent locally are not carried to Redis on recovery, and a Redis decision that
 * timed out may still have taken its tokens: around an outage the instances together may
 * admit up to their local shares more, or a few requests fewer, than the plan.
 * <p>
 * Each consumption is observed as {@value #OBSERVATION} (low-cardinality keys
 * {@code source}, {@code outcome} and {@code fallback}: {@code none}, {@code timeout},
 * {@code error} or {@code circuit_open}; the tenant id as a high-cardinality key), and
 * the Redis call inside it as {@value #REDIS_OBSERVATION}.
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

	private final CircuitBreaker breaker;

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
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observationRegistry)
			.contextualName("rate limit decision")
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
		// A child of the decision (its scope is open): the Redis round trip on its own.
		Observation call = decision.isNoop() ? Observation.NOOP
				: Observation.createNotStarted(REDIS_OBSERVATION, this.observationRegistry)
					.contextualName("rate limit redis")
					.start();
		long start = System.nanoTime();
		CompletableFuture<RateLimitDecision> decided;
		try {
			decided = operation.apply(this.redis, request).toCompletableFuture().copy();
		}
		catch (RuntimeException ex) {
			decided = CompletableFuture.failedFuture(ex);
		}
		return decided.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS).handle((made, ex) -> {
			long elapsed = System.nanoTime() - start;
			Throwable failure = (ex != null) ? unwrap(ex) : null;
			call.lowCardinalityKeyValue("outcome",
					(failure == null) ? "success" : isTimeout(failure) ? "timeout" : "error");
			if (failure != null) {
				call.error(failure);
			}
			call.stop();
			if (ex == null && made != null) {
				this.metrics.redisCall(elapsed, true);
				if (this.breaker.onSuccess()) {
					logger.info("Redis answers again: rate limits are decided in Redis");
				}
				if (consuming) {
					this.metrics.decision(request, made);
				}
				return CompletableFuture.completedFuture(made);
			}
			this.metrics.redisCall(elapsed, false);
			Throwable cause = unwrap(ex);
			boolean timeout = isTimeout(cause);
			if (this.breaker.onFailure()) {
				logger.warn("Redis is unavailable for rate limiting ({}): deciding per failure mode until it answers",
						String.valueOf(cause));
			}
			else {
				logger.debug("Rate-limit decision in Redis failed: {}", String.valueOf(cause));
			}
			decision.lowCardinalityKeyValue("fallback", timeout ? "timeout" : "error");
			return fallback(request, timeout ? "timeout" : "error", operation, consuming);
		}).thenCompose((stage) -> stage);
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
	 * @param timeout how long a Redis decision may take before it counts as failed
	 * @param failureThreshold consecutive failures that open the breaker
	 * @param openDuration how long the breaker stays open before a probe
	 */
	public record Settings(Duration timeout, int failureThreshold, Duration openDuration) {

		public Settings {
			Objects.requireNonNull(timeout, "timeout");
			Objects.requireNonNull(openDuration, "openDuration");
			if (timeout.isZero() || timeout.isNegative()) {
				throw new IllegalArgumentException("timeout must be positive");
			}
			if (failureThreshold < 1) {
				throw new IllegalArgumentException("failureThreshold must be at least 1");
			}
			if (openDuration.isNegative()) {
				throw new IllegalArgumentException("openDuration must not be negative");
			}
		}

		/**
		 * The defaults: 100 ms timeout, open after 5 consecutive failures, probe after 1
		 * s.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(Duration.ofMillis(100), 5, Duration.ofSeconds(1));
		}

	}

}

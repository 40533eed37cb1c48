package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenantId;

/**
 * Throttles failed credential attempts (wrong client secrets, wrong admin tokens) per
 * client and per source address, on a {@link RateLimiter}: Redis-backed and shared by
 * every instance when the limiter is, with the limiter's own fallback otherwise.
 * <p>
 * Only failures consume. A caller that is throttled, by its client's budget or its
 * address's, is refused <em>before</em> its credential is looked at, the right one
 * included, until the window passes: otherwise the answer to a guess while throttled
 * would tell whether it was right. The protocol for one attempt:
 * <ol>
 * <li>{@link #check} (consumes nothing): throttled means answer 429 without checking the
 * credential;</li>
 * <li>check the credential; if it is wrong, {@link #failed}: the attempt is counted, and
 * when the count passes a limit, this attempt too is answered 429 rather than 401.</li>
 * </ol>
 * Attempts already in flight when a limit is reached are still checked, so under a
 * concurrent burst a few more than the limit may be checked in one window (at most one
 * per attempt in flight).
 * <p>
 * Keys never hold what the caller sent: client and address are hashed (the first 128 bits
 * of SHA-256, as {@link RateLimitKeys#hash}) into a bucket name {@code <scope>-c-<hash>}
 * or {@code <scope>-a-<hash>}, which is the key's Redis Cluster hash tag
 * ({@code <prefix>{<scope>-a-<hash>}:tenant}), and each key expires once its bucket is
 * full again.
 * <p>
 * If the limiter does not answer within the bounded wait, the attempt is not throttled
 * (the credential check itself still decides): an outage of the limiter must not lock
 * everyone out.
 */
public final class FailedAttemptThrottle {

	/** Name of the policy that counts a client's failures. */
	public static final String CLIENT_POLICY = "client";

	/** Name of the policy that counts a source address's failures. */
	public static final String ADDRESS_POLICY = "address";

	private static final Logger logger = LoggerFactory.getLogger(FailedAttemptThrottle.class);

	private static final Pattern SCOPE = Pattern.compile("[a-z0-9]{1,20}");

	private static final String PLAN_NAME = "failed-attempts";

	private final RateLimiter limiter;

	private final String scope;

	private final RateLimitPolicy perClient;

	private final RateLimitPolicy perAddress;

	private final long maxWaitNanos;

	/**
	 * A throttle.
	 * @param limiter the limiter, such as a {@link FallbackRateLimiter} over Redis with
	 * its own key prefix
	 * @param scope what is guarded, lower-case letters and digits, up to 20 (such as
	 * {@code admin} or {@code oauth2}); part of every key
	 * @param settings limits and wait
	 */
	public FailedAttemptThrottle(RateLimiter limiter, String scope, Settings settings) {
		this.limiter = Objects.requireNonNull(limiter, "limiter");
		if (scope == null || !SCOPE.matcher(scope).matches()) {
			throw new IllegalArgumentException("scope must be 1 to 20 lower-case letters or digits");
		}
		this.scope = scope;
		this.perClient = new RateLimitPolicy(CLIENT_POLICY, settings.perClient(), settings.window(),
				settings.perClient());
		this.perAddress = new RateLimitPolicy(ADDRESS_POLICY, settings.perAddress(), settings.window(),
				settings.perAddress());
		this.maxWaitNanos = settings.maxWait().toNanos();
	}

	/**
	 * Whether a caller is throttled now, consuming nothing. Call it before checking the
	 * credential.
	 * @param client who the attempt claims to be (a client id, or a fixed name for a
	 * single credential such as an admin token), or {@code null} when unknown
	 * @param address the source address
	 * @return the verdict
	 */
	public Verdict check(String client, String address) {
		return decide(client, address, this.limiter::peek);
	}

	/**
	 * Count a failed attempt. Call it after a credential check failed.
	 * @param client who the attempt claimed to be, or {@code null}
	 * @param address the source address
	 * @return throttled when this failure passed a limit (answer it 429, not 401)
	 */
	public Verdict failed(String client, String address) {
		return decide(client, address, this.limiter::consume, true);
	}

	private Verdict decide(String client, String address,
			Function<RateLimitRequest, CompletionStage<RateLimitDecision>> operation) {
		return decide(client, address, operation, false);
	}

	private Verdict decide(String client, String address,
			Function<RateLimitRequest, CompletionStage<RateLimitDecision>> operation, boolean counting) {
		List<RateLimitRequest> requests = requests(client, address);
		List<CompletableFuture<RateLimitDecision>> pending = new ArrayList<>(2);
		for (RateLimitRequest request : requests) {
			try {
				pending.add(operation.apply(request).toCompletableFuture());
			}
			catch (RuntimeException ex) {
				pending.add(CompletableFuture.failedFuture(ex));
			}
		}
		long deadline = System.nanoTime() + this.maxWaitNanos;
		long retryAfter = 0;
		boolean throttled = false;
		for (int i = 0; i < pending.size(); i++) {
			RateLimitDecision decided = await(pending.get(i), deadline);
			if (decided != null && !decided.allowed()) {
				throttled = true;
				retryAfter = Math.max(retryAfter, decided.retryAfterSeconds());
			}
			if (counting && decided != null && decided.allowed() && spent(decided)) {
				// Once per window and bucket: the failure that spent the last attempt.
				RateLimitRequest request = requests.get(i);
				logger.warn(
						"Failed {} credential attempts: the budget of {} is spent; refusing it until the window "
								+ "passes",
						this.scope, ADDRESS_POLICY.equals(request.plan().tenantLimit().name()) ? "address " + address
								: "client bucket " + request.plan().tenant());
			}
		}
		return throttled ? new Verdict(true, retryAfter) : Verdict.ALLOWED;
	}

	private static boolean spent(RateLimitDecision decision) {
		return decision.source() != RateLimitDecision.Source.FAIL_OPEN && !decision.statuses().isEmpty()
				&& decision.statuses().get(0).remaining() == 0;
	}

	private static RateLimitDecision await(CompletableFuture<RateLimitDecision> decision, long deadline) {
		try {
			return decision.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("Failed-attempt throttle did not answer, not throttling: {}", ex.toString());
			return null;
		}
	}

	private List<RateLimitRequest> requests(String client, String address) {
		List<RateLimitRequest> requests = new ArrayList<>(2);
		if (client != null) {
			requests.add(request("c", client, this.perClient));
		}
		requests.add(request("a", (address != null) ? address : "unknown", this.perAddress));
		return requests;
	}

	private RateLimitRequest request(String kind, String value, RateLimitPolicy policy) {
		TenantId bucket = TenantId.of(this.scope + '-' + kind + '-' + RateLimitKeys.hash(value));
		return new RateLimitRequest(new RateLimitPlan(bucket, 0, PLAN_NAME, policy, null, Map.of()), null, null);
	}

	/**
	 * The bucket name (the key's hash tag) of a client, for operators and tests.
	 * @param client the client
	 * @return the bucket name
	 */
	public String clientBucket(String client) {
		return this.scope + "-c-" + RateLimitKeys.hash(client);
	}

	/**
	 * The bucket name (the key's hash tag) of a source address, for operators and tests.
	 * @param address the address
	 * @return the bucket name
	 */
	public String addressBucket(String address) {
		return this.scope + "-a-" + RateLimitKeys.hash(address);
	}

	/**
	 * The outcome for one attempt.
	 *
	 * @param throttled whether the attempt must be refused with 429
	 * @param retryAfterSeconds when throttled, whole seconds until the window passes (at
	 * least 1)
	 */
	public record Verdict(boolean throttled, long retryAfterSeconds) {

		/** Not throttled. */
		public static final Verdict ALLOWED = new Verdict(false, 0);

	}

	/**
	 * Limits of the throttle.
	 *
	 * @param perAddress failed attempts per source address per window
	 * @param perClient failed attempts per client per window
	 * @param window the window; a throttled caller waits until it passes
	 * @param maxWait the longest wait for the limiter before not throttling
	 */
	public record Settings(long perAddress, long perClient, Duration window, Duration maxWait) {

		public Settings {
			Objects.requireNonNull(window, "window");
			Objects.requireNonNull(maxWait, "maxWait");
			if (perAddress < 1 || perClient < 1) {
				throw new IllegalArgumentException("limits must be at least 1");
			}
			if (window.isZero() || window.isNegative() || maxWait.isZero() || maxWait.isNegative()) {
				throw new IllegalArgumentException("window and maxWait must be positive");
			}
		}

		/**
		 * The defaults: 10 failures per address and 20 per client per minute, 1 s wait.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(10, 20, Duration.ofMinutes(1), Duration.ofSeconds(1));
		}

	}

}

package dev.tenancy.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;

import dev.tenancy.TenantId;
import dev.tenancy.ratelimit.RateLimitDecision.PolicyStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;

/**
 * The distributed limiter that decides all limits of a request in one Redis script call
 * ({@code EVALSHA}), on Redis's clock.
 * <p>
 * <b>Model.</b> The one documented for plans ({@link RateLimitPolicy}): a bucket of
 * {@code capacity} tokens, refilled with {@code limit} tokens at once each time a whole
 * {@code window} has passed since the bucket was created (the refill grid moves on
 * whether the bucket is full or not), a request costing its route class's tokens from
 * every policy that applies. These are bucket4j's interval-refill semantics, so both
 * engines give the same {@code RateLimit}, {@code RateLimit-Policy} and
 * {@code Retry-After} answers. A request is admitted only if the user bucket (when a user
 * limit applies) and the tenant bucket can both pay its cost, and then both pay, inside
 * one script: every bucket pays or none does, with no refund and no window in which
 * another request sees a half-spent state. When the user bucket cannot pay the request is
 * rejected by the user policy (and the decision carries only the user's state, as the
 * other engine); otherwise when the tenant bucket cannot, by the tenant policy.
 * <p>
 * <b>Time.</b> The script reads {@code TIME} on the Redis server (allowed since Redis 5's
 * effects replication, the only mode since 7), in microseconds, so instances' clocks
 * never matter: two instances whose clocks disagree by hours still share one exact
 * bucket. A failover to a replica whose clock lags cannot move a bucket's refill grid
 * backwards: a refill happens only for whole windows after the stored grid point.
 * <p>
 * <b>Exactness.</b> Redis runs Lua 5.1, whose only number is a double: integers are exact
 * up to 2^53 ≈ 9.007 × 10^15, and a sum or product of exact integers is exact while the
 * result stays below that. The state of a bucket is integers only: tokens {@code t}, last
 * refill {@code r} in microseconds, version, limit {@code l}, window {@code w} in
 * microseconds (the window rounded up to a whole microsecond, which never admits more),
 * capacity {@code c}. Every value the script computes is bounded, for any plan within
 * {@link RateLimitPolicy#MAX_TOKENS} (10^15) and {@link RateLimitPolicy#MAX_TIME_TO_FILL}
 * (100 years; {@code TenantConfigJson} refuses plans outside them, and this class refuses
 * to decide for a policy outside them):
 * <ul>
 * <li>tokens: {@code t ≤ c ≤ 10^15}; a refill of {@code n} windows adds {@code n × l}
 * only when {@code n < ceil((c - t) / l)}, so the sum stays below {@code c + l ≤ 2 ×
 * 10^15} (otherwise the bucket is set to {@code c}); a cost is sent clamped to
 * {@code 10^15 + 1}, which still exceeds every capacity, so {@code t - cost} is
 * exact;</li>
 * <li>time: Redis's {@code now} is about 1.8 × 10^15 µs in 2026; waits and the time to
 * full are at most {@code ceil(c / l) × w ≤} 100 years ≈ 3.2 × 10^15 µs; so
 * {@code now + w} and every wait stay below 2^53 until about the year 2150; {@code n × w}
 * is at most {@code now - r};</li>
 * <li>division: {@code floor(a / b)} of exact integers is corrected by one when the
 * rounded double quotient lands on the next integer; numbers are written with
 * {@code string.format('%d')}, never {@code tostring}, whose {@code %.14g} rounds.</li>
 * </ul>
 * <p>
 * <b>Keys.</b> Each bucket is one Redis string {@code <prefix>s:{<tenant>}:tenant} or
 * {@code <prefix>s:{<tenant>}:user:<hmac>} (see {@link RateLimitKeys}; the {@code s:}
 * keeps them apart from the bucket4j engine's), holding six decimal integers: tokens,
 * last refill, version, limit, window, capacity, written with one {@code SET ... PX}. All
 * keys of a tenant share the hash tag, so one Redis Cluster slot. A bucket that paid gets
 * a TTL of the time until it would be full again plus
 * {@link RedisRateLimiter.Settings#keepAfterRefill()}; a missing key is a full bucket. A
 * rejection writes nothing.
 * <p>
 * <b>Plans.</b> The plan travels with each call, tagged with the tenant's version, and is
 * stored beside the state. A higher version replaces the stored plan inside the script (a
 * larger capacity adds the difference, a smaller one caps, as bucket4j's
 * {@code ADDITIVE}); a call with an older version is decided with the newer stored plan,
 * so instances with stale caches never downgrade a plan or flip-flop between two.
 * <p>
 * <b>Coalescing.</b> Concurrent decisions of one tenant in this process share one script
 * call: the first goes at once; those arriving while it is in flight wait and go together
 * in the next, which decides them one after another in arrival order against the evolving
 * buckets, each paying or not on its own (exactly as separate calls in that order at one
 * instant), and returns each its answer. An uncontended tenant pays no extra latency. A
 * decision that waited longer than {@link RedisRateLimiter.Settings#requestTimeout()} for
 * its turn fails with a {@link TimeoutException} instead of being sent: its caller has
 * already decided without Redis, and sending it later would spend its tokens twice.
 * <p>
 * <b>Round trips.</b> One {@code EVALSHA} per call (so per decision on spread keys, far
 * fewer on a hot tenant). The script's SHA-1 is computed here; when the server does not
 * know it ({@code NOSCRIPT}: after a restart, a failover, {@code SCRIPT FLUSH}, a new
 * cluster node) the call is repeated once as {@code EVAL} with the script's text, which
 * runs it and loads it: a {@code NOSCRIPT} answer means the script did not run, so the
 * retry spends nothing twice. No other call is ever retried. Each command is bounded by
 * the connection's command timeout ({@link RedisRateLimiter#clientOptions(Duration)}).
 */
public final class ScriptRateLimiter implements RateLimiter {

	/** The key prefix suffix that keeps this engine's keys apart from bucket4j's. */
	static final String KEY_SCHEME = "s:";

	static final String SCRIPT = loadScript();

	static final String SHA = sha1(SCRIPT);

	/** Sent for a larger cost: every capacity is below it, so it can never be paid. */
	static final long MAX_COST = RateLimitPolicy.MAX_TOKENS + 1;

	private static final int CONSUME = 0;

	private static final int PEEK = 1;

	private static final int CHARGE = 2;

	private static final int MAX_BATCH = 128;

	private static final byte[][] NO_VALUES = new byte[0][];

	private final RedisScriptingAsyncCommands<String, byte[]> redis;

	private final RateLimitKeys keys;

	private final byte[] keepMillis;

	private final long timeoutNanos;

	private final boolean coalescing;

	private final Map<TenantId, Lane> lanes = new ConcurrentHashMap<>();

	/**
	 * A limiter on a standalone or Sentinel-managed Redis.
	 * @param connection a connection with {@link RedisRateLimiter#CODEC}
	 * @param settings the settings
	 */
	public ScriptRateLimiter(StatefulRedisConnection<String, byte[]> connection, RedisRateLimiter.Settings settings) {
		this(connection.async(), settings);
	}

	/**
	 * A limiter on a Redis Cluster: all keys of a call share the tenant's slot, so each
	 * call goes to one node.
	 * @param connection a cluster connection with {@link RedisRateLimiter#CODEC}
	 * @param settings the settings
	 */
	public ScriptRateLimiter(StatefulRedisClusterConnection<String, byte[]> connection,
			RedisRateLimiter.Settings settings) {
		this(connection.async(), settings);
	}

	ScriptRateLimiter(RedisScriptingAsyncCommands<String, byte[]> redis, RedisRateLimiter.Settings settings) {
		Objects.requireNonNull(settings, "settings");
		this.redis = Objects.requireNonNull(redis, "redis");
		this.keys = new RateLimitKeys(settings.keyPrefix() + KEY_SCHEME, settings.userKeySecret());
		this.keepMillis = ascii(settings.keepAfterRefill().toMillis());
		this.timeoutNanos = settings.requestTimeout().toNanos();
		this.coalescing = settings.batching();
	}

	/**
	 * @return the keys this limiter writes
	 */
	public RateLimitKeys keys() {
		return this.keys;
	}

	@Override
	public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
		return submit(request, CONSUME, request.cost()).thenApply((answer) -> decision(request, answer, false));
	}

	@Override
	public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
		return submit(request, PEEK, request.cost()).thenApply((answer) -> decision(request, answer, true));
	}

	@Override
	public CompletionStage<Void> charge(RateLimitRequest request, long tokens) {
		if (tokens < 1) {
			return CompletableFuture.failedFuture(new IllegalArgumentException("tokens must be at least 1"));
		}
		return submit(request, CHARGE, tokens).thenApply((answer) -> null);
	}

	private CompletableFuture<long[]> submit(RateLimitRequest request, int mode, long tokens) {
		Pending pending;
		try {
			pending = pending(request, mode, tokens);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (!this.coalescing) {
			send(null, List.of(pending));
			return pending.result();
		}
		TenantId tenant = request.plan().tenant();
		while (true) {
			Lane lane = this.lanes.computeIfAbsent(tenant, Lane::new);
			synchronized (lane) {
				if (lane.closed) {
					continue;
				}
				if (lane.inFlight) {
					lane.waiting.add(pending);
					return pending.result();
				}
				lane.inFlight = true;
			}
			send(lane, List.of(pending));
			return pending.result();
		}
	}

	private Pending pending(RateLimitRequest request, int mode, long tokens) {
		RateLimitPlan plan = request.plan();
		check(plan.tenantLimit());
		String userKey = null;
		if (request.limitsUser()) {
			check(plan.userLimit());
			userKey = this.keys.user(plan.tenant(), request.user());
		}
		return new Pending(plan, this.keys.tenant(plan.tenant()), userKey, mode, Math.min(tokens, MAX_COST),
				System.nanoTime() + this.timeoutNanos, new CompletableFuture<>());
	}

	private static void check(RateLimitPolicy policy) {
		if (!policy.withinBounds()) {
			throw new IllegalArgumentException("The " + policy.name() + " policy is outside the bounds of exact "
					+ "limiting: limit and capacity at most " + RateLimitPolicy.MAX_TOKENS
					+ ", time to fill an empty bucket at most " + RateLimitPolicy.MAX_TIME_TO_FILL.toDays() + " days");
		}
	}

	/**
	 * One script call for a batch of one tenant's decisions, then the next batch of the
	 * lane, if any.
	 */
	private void send(Lane lane, List<Pending> batch) {
		Call call;
		try {
			call = new Call(batch, this.keepMillis);
		}
		catch (RuntimeException ex) {
			batch.forEach((pending) -> pending.result().completeExceptionally(ex));
			next(lane);
			return;
		}
		execute(call).whenComplete((reply, ex) -> {
			try {
				call.complete(reply, ex);
			}
			finally {
				next(lane);
			}
		});
	}

	private CompletableFuture<List<Object>> execute(Call call) {
		CompletableFuture<List<Object>> first;
		try {
			first = this.redis.<List<Object>>evalsha(SHA, ScriptOutputType.MULTI, call.keys, call.values)
				.toCompletableFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return first.handle((reply, ex) -> {
			if (ex == null) {
				return CompletableFuture.completedFuture(reply);
			}
			if (!noScript(ex)) {
				return CompletableFuture.<List<Object>>failedFuture(ex);
			}
			// The script did not run: EVAL runs it and loads it for the next EVALSHA.
			try {
				return this.redis.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, call.keys, call.values)
					.toCompletableFuture();
			}
			catch (RuntimeException evalFailure) {
				return CompletableFuture.<List<Object>>failedFuture(evalFailure);
			}
		}).thenCompose((stage) -> stage);
	}

	private static boolean noScript(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return cause instanceof RedisNoScriptException
				|| (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
	}

	private void next(Lane lane) {
		if (lane == null) {
			return;
		}
		List<Pending> batch = new ArrayList<>();
		List<Pending> expired = new ArrayList<>();
		synchronized (lane) {
			long now = System.nanoTime();
			while (!lane.waiting.isEmpty() && batch.size() < MAX_BATCH) {
				Pending pending = lane.waiting.poll();
				if (pending.result().isDone()) {
					continue;
				}
				if (now - pending.deadline() > 0) {
					expired.add(pending);
				}
				else {
					batch.add(pending);
				}
			}
			if (batch.isEmpty()) {
				lane.inFlight = false;
				lane.closed = true;
				this.lanes.remove(lane.tenant, lane);
			}
		}
		for (Pending pending : expired) {
			pending.result()
				.completeExceptionally(new TimeoutException("The decision waited longer than the request timeout "
						+ "for its turn in Redis (tenant " + lane.tenant + ")"));
		}
		if (!batch.isEmpty()) {
			send(lane, batch);
		}
	}

	private static RateLimitDecision decision(RateLimitRequest request, long[] answer, boolean peek) {
		PolicyStatus tenant = new PolicyStatus(RateLimitPolicy.TENANT, answer[0], micros(answer[1]));
		long tenantWait = micros(answer[2]);
		PolicyStatus user = null;
		long userWait = 0;
		if (request.limitsUser()) {
			user = new PolicyStatus(RateLimitPolicy.USER, answer[3], micros(answer[4]));
			userWait = micros(answer[5]);
		}
		List<PolicyStatus> both = (user != null) ? List.of(tenant, user) : List.of(tenant);
		List<RateLimitPolicy> policies = request.policies();
		if (peek) {
			String rejectedBy = null;
			long retryAfter = 0;
			if (userWait > 0) {
				rejectedBy = RateLimitPolicy.USER;
				retryAfter = userWait;
			}
			if (tenantWait > 0 && (rejectedBy == null || tenantWait > retryAfter)) {
				rejectedBy = RateLimitPolicy.TENANT;
				retryAfter = tenantWait;
			}
			return new RateLimitDecision(rejectedBy == null, Source.REDIS, policies, both, rejectedBy, retryAfter);
		}
		if (userWait > 0) {
			// As the other engine: the user policy is asked first, and the tenant's state
			// is
			// not reported when it rejects.
			return new RateLimitDecision(false, Source.REDIS, policies, List.of(user), RateLimitPolicy.USER, userWait);
		}
		if (tenantWait > 0) {
			return new RateLimitDecision(false, Source.REDIS, policies, both, RateLimitPolicy.TENANT, tenantWait);
		}
		return new RateLimitDecision(true, Source.REDIS, policies, both, null, 0);
	}

	private static long micros(long micros) {
		return Math.multiplyExact(micros, 1000L);
	}

	static byte[] ascii(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private static String loadScript() {
		try (InputStream in = ScriptRateLimiter.class.getResourceAsStream("decide.lua")) {
			if (in == null) {
				throw new IllegalStateException("decide.lua is missing from the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha1(String script) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	/** One decision waiting for, or in, a script call. */
	private record Pending(RateLimitPlan plan, String tenantKey, String userKey, int mode, long tokens, long deadline,
			CompletableFuture<long[]> result) {
	}

	/** The decisions of one tenant: at most one call in flight, the rest waiting. */
	private static final class Lane {

		final TenantId tenant;

		final ArrayDeque<Pending> waiting = new ArrayDeque<>();

		boolean inFlight;

		boolean closed;

		Lane(TenantId tenant) {
			this.tenant = tenant;
		}

	}

	/** The keys and arguments of one script call, and how to answer its decisions. */
	private static final class Call {

		private static final int ANSWER = 6;

		final List<Pending> batch;

		final String[] keys;

		final byte[][] values;

		Call(List<Pending> batch, byte[] keepMillis) {
			this.batch = batch;
			Map<String, Integer> index = new HashMap<>();
			List<String> keyList = new ArrayList<>(2);
			List<RateLimitPolicy> policies = new ArrayList<>(2);
			List<Long> versions = new ArrayList<>(2);
			int[][] refs = new int[batch.size()][2];
			for (int i = 0; i < batch.size(); i++) {
				Pending pending = batch.get(i);
				RateLimitPlan plan = pending.plan();
				refs[i][0] = index(pending.tenantKey(), plan.tenantLimit(), plan.version(), index, keyList, policies,
						versions);
				refs[i][1] = (pending.userKey() != null)
						? index(pending.userKey(), plan.userLimit(), plan.version(), index, keyList, policies, versions)
						: 0;
			}
			this.keys = keyList.toArray(String[]::new);
			List<byte[]> values = new ArrayList<>(1 + 4 * keyList.size() + 4 * batch.size());
			values.add(keepMillis);
			for (int k = 0; k < keyList.size(); k++) {
				RateLimitPolicy policy = policies.get(k);
				values.add(ascii(versions.get(k)));
				values.add(ascii(policy.limit()));
				values.add(ascii(windowMicros(policy.window())));
				values.add(ascii(policy.capacity()));
			}
			for (int i = 0; i < batch.size(); i++) {
				Pending pending = batch.get(i);
				values.add(ascii(pending.mode()));
				values.add(ascii(pending.tokens()));
				values.add(ascii(refs[i][0]));
				values.add(ascii(refs[i][1]));
			}
			this.values = values.toArray(NO_VALUES);
		}

		/**
		 * The 1-based index of a key in the call; a key several decisions share carries
		 * the plan of the highest version among them, which the script would prefer
		 * anyway.
		 */
		private static int index(String key, RateLimitPolicy policy, long version, Map<String, Integer> index,
				List<String> keys, List<RateLimitPolicy> policies, List<Long> versions) {
			Integer known = index.get(key);
			if (known == null) {
				keys.add(key);
				policies.add(policy);
				versions.add(version);
				index.put(key, keys.size());
				return keys.size();
			}
			if (version > versions.get(known - 1)) {
				policies.set(known - 1, policy);
				versions.set(known - 1, version);
			}
			return known;
		}

		void complete(List<Object> reply, Throwable ex) {
			if (ex == null && (reply == null || reply.size() != ANSWER * this.batch.size())) {
				ex = new IllegalStateException("Unexpected reply of the rate-limit script: "
						+ ((reply != null) ? reply.size() + " values" : "none") + " for " + this.batch.size()
						+ " decisions");
			}
			for (int i = 0; i < this.batch.size(); i++) {
				CompletableFuture<long[]> result = this.batch.get(i).result();
				if (ex != null) {
					result.completeExceptionally(ex);
					continue;
				}
				long[] answer = new long[ANSWER];
				for (int j = 0; j < ANSWER; j++) {
					answer[j] = ((Number) reply.get(i * ANSWER + j)).longValue();
				}
				result.complete(answer);
			}
		}

	}

	/**
	 * A window in whole microseconds, rounded up: a slightly longer window never admits
	 * more.
	 * @param window the window
	 * @return microseconds, at least 1
	 */
	static long windowMicros(Duration window) {
		long micros = Math.multiplyExact(window.getSeconds(), 1_000_000L) + (window.getNano() + 999) / 1000;
		return Math.max(1, micros);
	}

}

package dev.tenancy.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter.Response;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.scripting.support.ResourceScriptSource;

import dev.tenancy.TenantId;
import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.FailureModePolicy;
import dev.tenancy.ratelimit.FallbackRateLimiter;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.RateLimitDecision;
import dev.tenancy.ratelimit.RateLimitMetrics;
import dev.tenancy.ratelimit.RateLimitPlan;
import dev.tenancy.ratelimit.RateLimitPolicy;
import dev.tenancy.ratelimit.RateLimitRequest;
import dev.tenancy.ratelimit.RedisRateLimiter;
import dev.tenancy.ratelimit.ScriptRateLimiter;

/**
 * The rate limiters compared side by side, each on its own Redis client and under keys
 * unique to one run, with a count of the commands each sends to Redis (a Lettuce
 * {@link CommandListener}: one started command is one request/response exchange with
 * Redis).
 * <ul>
 * <li>{@link Kind#NONE}: no limiter, a decision made in memory (the baseline).</li>
 * <li>{@link Kind#SCRIPT}: tenancy's {@link ScriptRateLimiter} (all limits in one
 * {@code EVALSHA} on Redis's clock, concurrent decisions of one tenant coalesced),
 * wrapped as in production in a {@link FallbackRateLimiter} with a local fallback, as
 * {@link Kind#OURS}.</li>
 * <li>{@link Kind#OURS}: tenancy's bucket4j engine, {@link RedisRateLimiter} (bucket4j
 * compare-and-swap through Lettuce, asynchronous, proxies cached, {@code batching()}),
 * wrapped as in production in a {@link FallbackRateLimiter} with a local fallback; the
 * timeouts are generous (2 s) so no decision falls back, and any that does is counted as
 * an anomaly.</li>
 * <li>{@link Kind#GATEWAY}: Spring Cloud Gateway's own {@code RedisRateLimiter} (the real
 * artifact), on a {@link ReactiveStringRedisTemplate} over a
 * {@link LettuceConnectionFactory} and the gateway's
 * {@code META-INF/scripts/request_rate_limiter.lua}, wired as its
 * {@code GatewayRedisAutoConfiguration} does; each call blocks on the {@code Mono}. A
 * response with {@code X-RateLimit-Remaining: -1} (the gateway fails open on Redis
 * errors) is an anomaly.</li>
 * <li>{@link Kind#BUCKET4J}: plain bucket4j-lettuce set up the default way:
 * {@code Bucket4jLettuce.casBasedBuilder(redisClient)} with
 * {@code basedOnTimeForRefillingBucketUpToMax(10 s)}, no optimizations, default retries,
 * synchronous, and a new bucket proxy per call as a typical servlet filter builds
 * it.</li>
 * </ul>
 */
final class RateLimitPeers {

	/**
	 * Where the benchmarks find Redis: {@code TENANCY_BENCH_REDIS_URL}, else
	 * 127.0.0.1:6379.
	 */
	static final String REDIS_URL_ENV = "TENANCY_BENCH_REDIS_URL";

	private RateLimitPeers() {
	}

	static RedisURI redisUri() {
		String url = System.getenv(REDIS_URL_ENV);
		return RedisURI.create((url == null || url.isBlank()) ? "redis://127.0.0.1:6379" : url);
	}

	/** A prefix unique to one run (trial), to keep runs apart and clean up after each. */
	static String newRunId() {
		return "rlb" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	/**
	 * A plan in the terms: {@code limit} tokens per {@code window}, bucket
	 * capacity {@code burst}.
	 */
	record Plan(long limit, Duration window, long burst) {

		/** Big enough never to reject during a benchmark. */
		static Plan unlimited() {
			return new Plan(1_000_000_000L, Duration.ofMinutes(1), 1_000_000_000L);
		}

		/** The accuracy plan: 1,000 per minute, burst 1,000. */
		static Plan perMinute(long limit) {
			return new Plan(limit, Duration.ofMinutes(1), limit);
		}

		/** One request per hour: after the first, every request is rejected. */
		static Plan exhausted() {
			return new Plan(1, Duration.ofHours(1), 1);
		}

		/**
		 * The most a limiter may admit over {@code elapsedNanos} (greedy refill; an upper
		 * bound for interval refill).
		 */
		long allowed(long elapsedNanos) {
			return this.burst + (long) Math.floor((double) this.limit * elapsedNanos / this.window.toNanos());
		}

	}

	enum Kind {

		NONE, SCRIPT, SCRIPT_ALONE, OURS, GATEWAY, BUCKET4J;

		String label() {
			return switch (this) {
				case NONE -> "no limiter";
				case SCRIPT -> "ours, script engine (ScriptRateLimiter + FallbackRateLimiter)";
				case SCRIPT_ALONE -> "ours, script engine alone (ScriptRateLimiter, no fallback)";
				case OURS -> "ours, bucket4j engine (RedisRateLimiter + FallbackRateLimiter)";
				case GATEWAY -> "Spring Cloud Gateway RedisRateLimiter";
				case BUCKET4J -> "plain bucket4j-lettuce (default setup)";
			};
		}

	}

	/**
	 * One limiter instance (one Redis client) deciding for tenants
	 * {@code 0 .. tenants-1}.
	 */
	abstract static class Peer implements AutoCloseable {

		final LongAdder commands = new LongAdder();

		final LongAdder anomalies = new LongAdder();

		final CommandListener listener = new CommandListener() {

			@Override
			public void commandStarted(CommandStartedEvent event) {
				Peer.this.commands.increment();
			}

		};

		/**
		 * Decide one request of a tenant, blocking until the decision.
		 * @param tenant the tenant's index
		 * @return whether it was admitted
		 */
		abstract boolean tryAcquire(int tenant);

		/**
		 * @return commands sent to Redis so far
		 */
		long commands() {
			return this.commands.sum();
		}

		/**
		 * @return decisions not made by Redis (fallbacks, fail-open answers)
		 */
		long anomalies() {
			return this.anomalies.sum();
		}

		@Override
		public abstract void close();

	}

	static Peer create(Kind kind, String runId, int tenants, Plan plan) {
		return switch (kind) {
			case NONE -> new NonePeer(tenants, plan);
			case SCRIPT -> new OursPeer(runId, tenants, plan, true);
			case SCRIPT_ALONE -> new OursPeer(runId, tenants, plan, true, false);
			case OURS -> new OursPeer(runId, tenants, plan, false);
			case GATEWAY -> new GatewayPeer(runId, tenants, plan);
			case BUCKET4J -> new Bucket4jPeer(runId, tenants, plan);
		};
	}

	static String tenantName(String runId, int index) {
		return runId + "-t" + index;
	}

	/**
	 * Baseline: a trivial in-memory decision through the same {@code RateLimiter}
	 * interface.
	 */
	static final class NonePeer extends Peer {

		private final RateLimitRequest[] requests;

		private final dev.tenancy.ratelimit.RateLimiter limiter;

		NonePeer(int tenants, Plan plan) {
			this.requests = OursPeer.requests("none", tenants, plan);
			this.limiter = (request) -> CompletableFuture.completedFuture(new RateLimitDecision(true,
					RateLimitDecision.Source.REDIS, request.policies(), List.of(), null, 0));
		}

		@Override
		boolean tryAcquire(int tenant) {
			return this.limiter.consume(this.requests[tenant]).toCompletableFuture().join().allowed();
		}

		@Override
		public void close() {
		}

	}

	static final class OursPeer extends Peer {

		/**
		 * Generous, so that no decision falls back during a benchmark (production
		 * default: 100 ms).
		 */
		static final Duration TIMEOUT = Duration.ofSeconds(2);

		private final RedisClient client;

		private final StatefulRedisConnection<String, byte[]> connection;

		private final dev.tenancy.ratelimit.RateLimiter limiter;

		private final RateLimitRequest[] requests;

		OursPeer(String runId, int tenants, Plan plan, boolean script) {
			this(runId, tenants, plan, script, true);
		}

		OursPeer(String runId, int tenants, Plan plan, boolean script, boolean fallback) {
			this.client = RedisClient.create(redisUri());
			this.client.setOptions(RedisRateLimiter.clientOptions(TIMEOUT));
			this.client.addListener(this.listener);
			this.connection = this.client.connect(RedisRateLimiter.CODEC);
			RedisRateLimiter.Settings settings = RedisRateLimiter.Settings.defaults()
				.withKeyPrefix("bench:" + runId + (script ? ":script:" : ":ours:"))
				.withRequestTimeout(TIMEOUT)
				.withUserKeySecret("bench");
			dev.tenancy.ratelimit.RateLimiter redis = script ? new ScriptRateLimiter(this.connection, settings)
					: new RedisRateLimiter(this.connection, settings);
			this.limiter = fallback ? new FallbackRateLimiter(redis, new LocalRateLimiter(3),
					new FallbackRateLimiter.Settings(TIMEOUT, 5, Duration.ofSeconds(1)),
					FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE) : redis;
			this.requests = requests(runId, tenants, plan);
		}

		static RateLimitRequest[] requests(String runId, int tenants, Plan plan) {
			RateLimitPolicy policy = new RateLimitPolicy(RateLimitPolicy.TENANT, plan.limit(), plan.window(),
					plan.burst());
			// -DwithUser=true: a per-user limit as well (one user per tenant), the case
			// where
			// the bucket4j engine needs twice the round trips and the script engine none
			// more
			boolean withUser = Boolean.getBoolean("withUser");
			RateLimitPolicy user = withUser
					? new RateLimitPolicy(RateLimitPolicy.USER, plan.limit(), plan.window(), plan.burst()) : null;
			RateLimitRequest[] requests = new RateLimitRequest[tenants];
			for (int i = 0; i < tenants; i++) {
				RateLimitPlan ratePlan = new RateLimitPlan(TenantId.of(tenantName(runId, i)), 1, "bench", policy, user,
						Map.of());
				requests[i] = new RateLimitRequest(ratePlan, withUser ? "user-" + i : null, null);
			}
			return requests;
		}

		@Override
		boolean tryAcquire(int tenant) {
			RateLimitDecision decision = this.limiter.consume(this.requests[tenant]).toCompletableFuture().join();
			if (decision.source() != RateLimitDecision.Source.REDIS) {
				this.anomalies.increment();
			}
			return decision.allowed();
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

	static final class GatewayPeer extends Peer {

		static final String ROUTE = "bench-route";

		private final LettuceConnectionFactory factory;

		private final org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter limiter;

		private final String[] ids;

		@SuppressWarnings({ "unchecked", "rawtypes" })
		GatewayPeer(String runId, int tenants, Plan plan) {
			RedisURI uri = redisUri();
			RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
			standalone.setDatabase(uri.getDatabase());
			if (uri.getPassword() != null) {
				standalone.setPassword(RedisPassword.of(uri.getPassword()));
			}
			// as Spring Boot's LettuceConnectionConfiguration: timeout options enabled,
			// shared native connection
			LettuceClientConfiguration clientConfiguration = LettuceClientConfiguration.builder()
				.clientOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled()).build())
				.build();
			this.factory = new LettuceConnectionFactory(standalone, clientConfiguration);
			this.factory.afterPropertiesSet();
			this.factory.start();
			this.factory.getRequiredNativeClient().addListener(this.listener);
			// as Spring Boot's RedisReactiveAutoConfiguration
			ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(this.factory);
			// as GatewayRedisAutoConfiguration.redisRequestRateLimiterScript() and
			// redisRateLimiter(...)
			DefaultRedisScript script = new DefaultRedisScript<>();
			script.setScriptSource(
					new ResourceScriptSource(new ClassPathResource("META-INF/scripts/request_rate_limiter.lua")));
			script.setResultType(List.class);
			ConfigurationService configurationService = new ConfigurationService(new DefaultListableBeanFactory(),
					(Supplier<org.springframework.core.convert.ConversionService>) DefaultConversionService::getSharedInstance,
					(Supplier<org.springframework.validation.Validator>) () -> null);
			this.limiter = new org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter(template,
					(RedisScript<List<Long>>) script, configurationService);
			this.limiter.getConfig().put(ROUTE, config(plan));
			this.ids = new String[tenants];
			for (int i = 0; i < tenants; i++) {
				this.ids[i] = tenantName(runId, i);
			}
		}

		/**
		 * The gateway's equivalent of a plan. Its rate is per second and an int, so a
		 * per-minute plan uses the documented {@code requestedTokens} trick: every
		 * request costs {@code window in seconds} tokens, {@code replenishRate = limit}
		 * tokens per second and {@code burstCapacity = burst × window seconds}. Refill
		 * still happens in whole seconds (the script reads Redis {@code TIME} seconds).
		 */
		static org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter.Config config(Plan plan) {
			long windowSeconds = plan.window().toSeconds();
			return new org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter.Config()
				.setReplenishRate(Math.toIntExact(plan.limit()))
				.setBurstCapacity(plan.burst() * windowSeconds)
				.setRequestedTokens(Math.toIntExact(windowSeconds));
		}

		@Override
		boolean tryAcquire(int tenant) {
			Response response = this.limiter.isAllowed(ROUTE, this.ids[tenant]).block();
			if ("-1".equals(response.getHeaders()
				.get(org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter.REMAINING_HEADER))) {
				this.anomalies.increment();
			}
			return response.isAllowed();
		}

		@Override
		public void close() {
			this.factory.destroy();
		}

	}

	static final class Bucket4jPeer extends Peer {

		private final RedisClient client;

		private final ProxyManager<byte[]> proxies;

		private final byte[][] keys;

		private final Supplier<BucketConfiguration> configuration;

		Bucket4jPeer(String runId, int tenants, Plan plan) {
			this.client = RedisClient.create(redisUri());
			this.client.addListener(this.listener);
			this.proxies = Bucket4jLettuce.casBasedBuilder(this.client)
				.expirationAfterWrite(
						ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.build();
			BucketConfiguration config = BucketConfiguration.builder()
				.addLimit(Bandwidth.builder().capacity(plan.burst()).refillGreedy(plan.limit(), plan.window()).build())
				.build();
			this.configuration = () -> config;
			this.keys = new byte[tenants][];
			for (int i = 0; i < tenants; i++) {
				this.keys[i] = ("bench:" + runId + ":b4j:{" + tenantName(runId, i) + "}")
					.getBytes(StandardCharsets.UTF_8);
			}
		}

		@Override
		boolean tryAcquire(int tenant) {
			// a new proxy per call, as a filter does (building one sends nothing to
			// Redis)
			return this.proxies.builder()
				.build(this.keys[tenant], this.configuration)
				.tryConsumeAndReturnRemaining(1)
				.isConsumed();
		}

		@Override
		public void close() {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

	/** An administrative connection: {@code INFO commandstats} and key clean-up. */
	static final class Admin implements AutoCloseable {

		private final RedisClient client = RedisClient.create(redisUri());

		private final StatefulRedisConnection<String, String> connection = this.client.connect();

		private final RedisCommands<String, String> commands = this.connection.sync();

		/**
		 * @return calls per command since the server's last stats reset, {@code info}
		 * excluded
		 */
		Map<String, Long> commandCalls() {
			Map<String, Long> calls = new TreeMap<>();
			for (String line : this.commands.info("commandstats").split("\r?\n")) {
				if (!line.startsWith("cmdstat_")) {
					continue;
				}
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				if (name.equals("info")) {
					continue;
				}
				int start = line.indexOf("calls=") + "calls=".length();
				int end = line.indexOf(',', start);
				calls.put(name, Long.parseLong(line.substring(start, end)));
			}
			return calls;
		}

		static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
			Map<String, Long> diff = new TreeMap<>();
			after.forEach((name, calls) -> {
				long delta = calls - before.getOrDefault(name, 0L);
				if (delta != 0) {
					diff.put(name, delta);
				}
			});
			return diff;
		}

		/**
		 * @return CPU seconds (user + system) of the Redis main thread so far
		 */
		double mainThreadCpuSeconds() {
			double seconds = 0;
			for (String line : this.commands.info("cpu").split("\r?\n")) {
				if (line.startsWith("used_cpu_sys_main_thread:") || line.startsWith("used_cpu_user_main_thread:")) {
					seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
				}
			}
			return seconds;
		}

		String scriptLoad(String script) {
			return this.commands.scriptLoad(script);
		}

		String serverVersion() {
			for (String line : this.commands.info("server").split("\r?\n")) {
				if (line.startsWith("redis_version:")) {
					return line.substring("redis_version:".length()).trim();
				}
			}
			return "?";
		}

		/**
		 * Delete every key of a run: ours and bucket4j's under {@code bench:<run>:}, the
		 * gateway's under {@code request_rate_limiter.{<route>.<run>-...}} (the gateway's
		 * own key format, with the route id).
		 * @param runId the run
		 * @return keys deleted
		 */
		long deleteRun(String runId) {
			return delete("bench:" + runId + ":*")
					+ delete("request_rate_limiter.{" + GatewayPeer.ROUTE + "." + runId + "-*");
		}

		private long delete(String pattern) {
			long deleted = 0;
			ScanCursor cursor = ScanCursor.INITIAL;
			ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
			do {
				KeyScanCursor<String> page = this.commands.scan(cursor, args);
				List<String> keys = new ArrayList<>(page.getKeys());
				if (!keys.isEmpty()) {
					deleted += this.commands.unlink(keys.toArray(String[]::new));
				}
				cursor = page;
			}
			while (!cursor.isFinished());
			return deleted;
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

}

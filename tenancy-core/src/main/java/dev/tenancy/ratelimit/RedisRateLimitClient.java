package dev.tenancy.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis limiter of one application instance together with the Lettuce client and the
 * one connection it owns: standalone, Sentinel-managed ({@link RedisURI} with sentinels)
 * or Cluster.
 * <p>
 * The connection is opened in the background ({@link #connect()}), so an instance starts
 * while Redis is away. Until it is open every decision fails at once (the
 * {@link FallbackRateLimiter} in front then decides per failure mode), and each failed
 * decision starts a new attempt once {@link Settings#maxReconnectDelay()} has passed
 * since the last one. Once open, Lettuce keeps it: it reconnects by itself, waiting at
 * most {@link Settings#maxReconnectDelay()} between attempts, and rejects commands while
 * disconnected (see {@link RedisRateLimiter#clientOptions(Duration)}) instead of
 * replaying them later. Connecting is bounded by {@link Settings#connectTimeout()}, every
 * command by {@link Settings#commandTimeout()}.
 * <p>
 * The limiter on the connection is the engine of {@link Settings#engine()}: the
 * one-script {@link ScriptRateLimiter} (the default) or bucket4j's
 * {@link RedisRateLimiter}. Both key users with the HMAC secret of the limiter settings;
 * when none is set, a random secret is created once in Redis itself
 * ({@code SET <prefix>user-key-secret NX}) and read by every instance, so that all
 * instances agree on the keys (a secret made up per instance would give each its own
 * bucket per user); see {@link RateLimitKeys}.
 * <p>
 * {@link #close()} closes the connection and shuts the client and its threads down.
 */
public final class RedisRateLimitClient implements RateLimiter, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisRateLimitClient.class);

	private final AbstractRedisClient client;

	private final ClientResources resources;

	private final Supplier<CompletableFuture<Connected>> connector;

	private final String target;

	private final long retryNanos;

	private final RateLimitKeys keys;

	private final RedisRateLimiter.Settings limiterSettings;

	private final RateLimitEngine engine;

	private volatile Connected connected;

	/** The attempt in flight, guarded by {@code this}. */
	private CompletableFuture<Boolean> attempt;

	/** When the last attempt started, guarded by {@code this}. */
	private long lastAttemptAt;

	private boolean attempted;

	private volatile boolean closed;

	private RedisRateLimitClient(AbstractRedisClient client, ClientResources resources,
			Supplier<CompletableFuture<Connected>> connector, String target, Settings settings) {
		this.client = client;
		this.resources = resources;
		this.connector = connector;
		this.target = target;
		this.retryNanos = settings.maxReconnectDelay().toNanos();
		this.keys = new RateLimitKeys(settings.limiter().keyPrefix());
		this.limiterSettings = settings.limiter();
		this.engine = settings.engine();
	}

	/**
	 * A client of the Redis at this location (standalone, Sentinel-managed or Cluster),
	 * with its credentials and TLS settings. Nothing is connected yet.
	 * @param location where Redis is
	 * @param settings the settings
	 * @return the client
	 */
	public static RedisRateLimitClient create(RedisLocation location, Settings settings) {
		Objects.requireNonNull(location, "location");
		if (location.topology() == RedisLocation.Topology.CLUSTER) {
			return cluster(location.uris(), location.sslOptions(), settings);
		}
		return standalone(location.uris().get(0), location.sslOptions(), settings);
	}

	/**
	 * A client of a standalone Redis, or of the master a set of Sentinels names (a
	 * {@link RedisURI} with sentinels and a master id). Nothing is connected yet.
	 * @param uri the server; its timeout is set to {@link Settings#connectTimeout()}
	 * @param settings the settings
	 * @return the client
	 */
	public static RedisRateLimitClient standalone(RedisURI uri, Settings settings) {
		return standalone(uri, null, settings);
	}

	private static RedisRateLimitClient standalone(RedisURI uri, SslOptions sslOptions, Settings settings) {
		Objects.requireNonNull(uri, "uri");
		Objects.requireNonNull(settings, "settings");
		// Set, not copied: RedisURI.builder(uri) loses the sentinels of a Sentinel URI.
		RedisURI target = uri;
		target.setTimeout(settings.connectTimeout());
		ClientResources resources = resources(settings);
		RedisClient client = RedisClient.create(resources);
		ClientOptions.Builder options = RedisRateLimiter.clientOptions(settings.commandTimeout())
			.mutate()
			.socketOptions(socketOptions(settings));
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
		client.setOptions(options.build());
		Supplier<CompletableFuture<Connected>> connector = () -> client.connectAsync(RedisRateLimiter.CODEC, target)
			.toCompletableFuture()
			.thenCompose((connection) -> Connected.of(connection, connection.async(),
					(limiterSettings) -> limiter(connection, settings.engine(), limiterSettings), settings.limiter()));
		return new RedisRateLimitClient(client, resources, connector, describe(target), settings);
	}

	/**
	 * A client of a Redis Cluster, which learns the topology from any of the seed nodes
	 * and follows its changes. Nothing is connected yet.
	 * @param seeds some of the cluster's nodes; their timeout is set to
	 * {@link Settings#connectTimeout()}
	 * @param settings the settings
	 * @return the client
	 */
	public static RedisRateLimitClient cluster(List<RedisURI> seeds, Settings settings) {
		return cluster(seeds, null, settings);
	}

	private static RedisRateLimitClient cluster(List<RedisURI> seeds, SslOptions sslOptions, Settings settings) {
		Objects.requireNonNull(settings, "settings");
		if (seeds == null || seeds.isEmpty()) {
			throw new IllegalArgumentException("A Redis Cluster needs at least one seed node");
		}
		List<RedisURI> targets = List.copyOf(seeds);
		targets.forEach((seed) -> seed.setTimeout(settings.connectTimeout()));
		ClientResources resources = resources(settings);
		RedisClusterClient client = RedisClusterClient.create(resources, targets);
		ClusterClientOptions.Builder options = RedisRateLimiter.clusterClientOptions(settings.commandTimeout())
			.mutate()
			.socketOptions(socketOptions(settings))
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
				.enableAllAdaptiveRefreshTriggers()
				.enablePeriodicRefresh(Duration.ofMinutes(1))
				.build());
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
		client.setOptions(options.build());
		// The topology first: an asynchronous connect needs it, and it is what a seed
		// node tells.
		Supplier<CompletableFuture<Connected>> connector = () -> client.refreshPartitionsAsync()
			.toCompletableFuture()
			.thenCompose((ignored) -> client.connectAsync(RedisRateLimiter.CODEC))
			.thenCompose((connection) -> Connected.of(connection, connection.async(),
					(limiterSettings) -> limiter(connection, settings.engine(), limiterSettings), settings.limiter()));
		String target = "cluster "
				+ targets.stream().map(RedisRateLimitClient::hostAndPort).collect(Collectors.joining(","));
		return new RedisRateLimitClient(client, resources, connector, target, settings);
	}

	private static RateLimiter limiter(StatefulRedisConnection<String, byte[]> connection, RateLimitEngine engine,
			RedisRateLimiter.Settings settings) {
		return (engine == RateLimitEngine.BUCKET4J) ? new RedisRateLimiter(connection, settings)
				: new ScriptRateLimiter(connection, settings);
	}

	private static RateLimiter limiter(StatefulRedisClusterConnection<String, byte[]> connection,
			RateLimitEngine engine, RedisRateLimiter.Settings settings) {
		return (engine == RateLimitEngine.BUCKET4J) ? new RedisRateLimiter(connection, settings)
				: new ScriptRateLimiter(connection, settings);
	}

	private static ClientResources resources(Settings settings) {
		Delay reconnectDelay = Delay.exponential(Duration.ZERO, settings.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS);
		return ClientResources.builder().reconnectDelay(reconnectDelay).build();
	}

	private static SocketOptions socketOptions(Settings settings) {
		return SocketOptions.builder().connectTimeout(settings.connectTimeout()).build();
	}

	private static String describe(RedisURI uri) {
		if (!uri.getSentinels().isEmpty()) {
			return "master " + uri.getSentinelMasterId() + " of sentinels "
					+ uri.getSentinels()
						.stream()
						.map(RedisRateLimitClient::hostAndPort)
						.collect(Collectors.joining(","));
		}
		return hostAndPort(uri);
	}

	private static String hostAndPort(RedisURI uri) {
		return (uri.getSocket() != null) ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
	}

	/**
	 * @return where this client connects to (no credentials), for logs and health
	 */
	public String target() {
		return this.target;
	}

	/**
	 * @return how the limiter on this client decides
	 */
	public RateLimitEngine engine() {
		return this.engine;
	}

	/**
	 * @return the keys the limiter writes
	 */
	public RateLimitKeys keys() {
		return this.keys;
	}

	/**
	 * Open the connection in the background, unless it is open or being opened.
	 * @return {@code true} once connected, {@code false} if this attempt failed
	 */
	public synchronized CompletableFuture<Boolean> connect() {
		if (this.closed) {
			return CompletableFuture.completedFuture(false);
		}
		if (this.connected != null) {
			return CompletableFuture.completedFuture(true);
		}
		if (this.attempt != null) {
			return this.attempt;
		}
		CompletableFuture<Boolean> result = new CompletableFuture<>();
		this.attempt = result;
		this.lastAttemptAt = System.nanoTime();
		boolean first = !this.attempted;
		this.attempted = true;
		CompletableFuture<Connected> connecting;
		try {
			connecting = this.connector.get();
		}
		catch (RuntimeException ex) {
			connecting = CompletableFuture.failedFuture(ex);
		}
		connecting.whenComplete((done, ex) -> result.complete(connected(done, ex, first)));
		return result;
	}

	private boolean connected(Connected done, Throwable ex, boolean first) {
		boolean kept;
		synchronized (this) {
			this.attempt = null;
			kept = ex == null && !this.closed;
			if (kept) {
				this.connected = done;
			}
		}
		if (ex == null && !kept) {
			done.connection().closeAsync();
		}
		if (kept) {
			logger.info("Rate limiter connected to Redis at {}", this.target);
		}
		else if (ex != null && !this.closed) {
			Throwable cause = (ex.getCause() != null && ex instanceof java.util.concurrent.CompletionException)
					? ex.getCause() : ex;
			if (first) {
				logger.warn("Rate limiter cannot connect to Redis at {} ({}): limiting per failure mode until it can",
						this.target, cause.toString());
				logger.debug("Connection failure", cause);
			}
			else {
				logger.debug("Rate limiter still cannot connect to Redis at {}: {}", this.target, cause.toString());
			}
		}
		return kept;
	}

	/**
	 * Wait for the connection.
	 * @param timeout the longest wait
	 * @return whether it is open
	 */
	public boolean awaitConnected(Duration timeout) {
		try {
			return connect().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			return isConnected();
		}
	}

	/**
	 * @return whether the connection is established and open now
	 */
	public boolean isConnected() {
		Connected current = this.connected;
		return current != null && current.connection().isOpen();
	}

	@Override
	public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
		return onLimiter(null, (limiter) -> limiter.consume(request));
	}

	@Override
	public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
		return onLimiter(null, (limiter) -> limiter.peek(request));
	}

	@Override
	public CompletionStage<Void> charge(RateLimitRequest request, long tokens) {
		return onLimiter(null, (limiter) -> limiter.charge(request, tokens));
	}

	/**
	 * A limiter on this client's connection whose keys have another prefix, for limits
	 * that are not the tenants' request limits (such as failed credential attempts), so
	 * the two never share a key. It connects, fails and recovers with this client.
	 * @param keyPrefix the key prefix (no braces), different from this client's
	 * @return the limiter
	 */
	public RateLimiter withKeyPrefix(String keyPrefix) {
		RedisRateLimiter.Settings settings = this.limiterSettings.withKeyPrefix(keyPrefix);
		if (settings.keyPrefix().equals(this.limiterSettings.keyPrefix())) {
			throw new IllegalArgumentException("The key prefix must differ from the tenants' limits' prefix");
		}
		return new RateLimiter() {

			@Override
			public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
				return onLimiter(settings, (limiter) -> limiter.consume(request));
			}

			@Override
			public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
				return onLimiter(settings, (limiter) -> limiter.peek(request));
			}

			@Override
			public CompletionStage<Void> charge(RateLimitRequest request, long tokens) {
				return onLimiter(settings, (limiter) -> limiter.charge(request, tokens));
			}

		};
	}

	private <T> CompletionStage<T> onLimiter(RedisRateLimiter.Settings settings,
			Function<RateLimiter, CompletionStage<T>> operation) {
		Connected current = this.connected;
		if (current != null) {
			return operation.apply((settings != null) ? current.limiter(settings) : current.limiter());
		}
		connectIfDue();
		return CompletableFuture.failedFuture(new IllegalStateException("Not connected to Redis at " + this.target));
	}

	private synchronized void connectIfDue() {
		if (!this.closed && this.attempt == null && this.connected == null
				&& System.nanoTime() - this.lastAttemptAt >= this.retryNanos) {
			connect();
		}
	}

	@Override
	public void close() {
		Connected current;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			current = this.connected;
			this.connected = null;
		}
		try {
			if (current != null) {
				current.connection().close();
			}
		}
		finally {
			try {
				this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
			finally {
				this.resources.shutdown(0, 2, TimeUnit.SECONDS);
			}
		}
	}

	private record Connected(StatefulConnection<String, byte[]> connection, RateLimiter limiter,
			Function<RedisRateLimiter.Settings, RateLimiter> factory, String sharedSecret,
			Map<RedisRateLimiter.Settings, RateLimiter> others) {

		/** The secret created once in Redis when none is configured. */
		static final String SHARED_SECRET_KEY = "user-key-secret";

		static CompletableFuture<Connected> of(StatefulConnection<String, byte[]> connection,
				RedisStringAsyncCommands<String, byte[]> redis,
				Function<RedisRateLimiter.Settings, RateLimiter> factory, RedisRateLimiter.Settings settings) {
			CompletableFuture<String> secret = (settings.userKeySecret() != null)
					? CompletableFuture.completedFuture(null) : sharedSecret(redis, settings.keyPrefix());
			return secret.thenApply((shared) -> {
				try {
					return new Connected(connection, factory.apply(withSecret(settings, shared)), factory, shared,
							new ConcurrentHashMap<>());
				}
				catch (RuntimeException ex) {
					connection.closeAsync();
					throw ex;
				}
			}).whenComplete((done, ex) -> {
				if (ex != null) {
					connection.closeAsync();
				}
			});
		}

		private static RedisRateLimiter.Settings withSecret(RedisRateLimiter.Settings settings, String shared) {
			return (shared != null) ? settings.withUserKeySecret(shared) : settings;
		}

		/**
		 * The secret every instance on this Redis shares: created by the first (NX), read
		 * by all.
		 */
		private static CompletableFuture<String> sharedSecret(RedisStringAsyncCommands<String, byte[]> redis,
				String prefix) {
			String key = prefix + SHARED_SECRET_KEY;
			byte[] random = new byte[32];
			new java.security.SecureRandom().nextBytes(random);
			byte[] candidate = java.util.HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
			return redis.set(key, candidate, SetArgs.Builder.nx())
				.toCompletableFuture()
				.thenCompose((ignored) -> redis.get(key).toCompletableFuture())
				.thenApply((stored) -> {
					if (stored == null || stored.length == 0) {
						throw new IllegalStateException("The shared user key secret " + key + " is missing");
					}
					logger.warn("tenancy.rate-limit.user-key-secret is not set: user keys are keyed with the secret "
							+ "stored in Redis under {} (set your own to keep it out of Redis)", key);
					return new String(stored, StandardCharsets.US_ASCII);
				});
		}

		/** A limiter with other settings on the same connection, made once. */
		RateLimiter limiter(RedisRateLimiter.Settings settings) {
			return this.others.computeIfAbsent(settings,
					(key) -> this.factory.apply(withSecret(key, this.sharedSecret)));
		}

	}

	/**
	 * Settings of the client.
	 *
	 * @param limiter the limiter's settings (key prefix, request timeout, user key
	 * secret)
	 * @param commandTimeout how long one Redis command may take; behind a
	 * {@link FallbackRateLimiter}, its answer wait
	 * ({@link FallbackRateLimiter.Settings#answerWait(Duration)}), so that a slow answer
	 * reaches it instead of being cut off at its timeout
	 * @param connectTimeout how long opening a connection may take
	 * @param maxReconnectDelay the longest wait between connection attempts while Redis
	 * is away
	 * @param engine how the limiter decides
	 */
	public record Settings(RedisRateLimiter.Settings limiter, Duration commandTimeout, Duration connectTimeout,
			Duration maxReconnectDelay, RateLimitEngine engine) {

		public Settings {
			Objects.requireNonNull(limiter, "limiter");
			positive(commandTimeout, "commandTimeout");
			positive(connectTimeout, "connectTimeout");
			positive(maxReconnectDelay, "maxReconnectDelay");
			Objects.requireNonNull(engine, "engine");
		}

		/**
		 * Settings with the default engine, {@link RateLimitEngine#SCRIPT}.
		 * @param limiter the limiter's settings
		 * @param commandTimeout how long one Redis command may take
		 * @param connectTimeout how long opening a connection may take
		 * @param maxReconnectDelay the longest wait between connection attempts
		 */
		public Settings(RedisRateLimiter.Settings limiter, Duration commandTimeout, Duration connectTimeout,
				Duration maxReconnectDelay) {
			this(limiter, commandTimeout, connectTimeout, maxReconnectDelay, RateLimitEngine.SCRIPT);
		}

		private static void positive(Duration duration, String name) {
			Objects.requireNonNull(duration, name);
			if (duration.isZero() || duration.isNegative()) {
				throw new IllegalArgumentException(name + " must be positive");
			}
		}

		/**
		 * The defaults: the limiter's defaults, 100 ms per command, 1 s to connect, at
		 * most 1 s between reconnection attempts, the script engine.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(RedisRateLimiter.Settings.defaults(), RedisRateLimiter.Settings.DEFAULT_REQUEST_TIMEOUT,
					Duration.ofSeconds(1), Duration.ofSeconds(1), RateLimitEngine.SCRIPT);
		}

		/**
		 * A copy with another engine.
		 * @param engine the engine
		 * @return the settings
		 */
		public Settings withEngine(RateLimitEngine engine) {
			return new Settings(this.limiter, this.commandTimeout, this.connectTimeout, this.maxReconnectDelay, engine);
		}

	}

}

package dev.tenancy.ratelimit;

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
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
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
			.thenApply((connection) -> Connected.of(connection,
					(limiterSettings) -> new RedisRateLimiter(connection, limiterSettings), settings.limiter()));
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
			.thenApply((connection) -> Connected.of(connection,
					(limiterSettings) -> new RedisRateLimiter(connection, limiterSettings), settings.limiter()));
		String target = "cluster "
				+ targets.stream().map(RedisRateLimitClient::hostAndPort).collect(Collectors.joining(","));
		return new RedisRateLimitClient(client, resources, connector, target, settings);
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
			Function<RedisRateLimiter, CompletionStage<T>> operation) {
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

	private record Connected(StatefulConnection<String, byte[]> connection, RedisRateLimiter limiter,
			Function<RedisRateLimiter.Settings, RedisRateLimiter> factory,
			Map<RedisRateLimiter.Settings, RedisRateLimiter> others) {

		static Connected of(StatefulConnection<String, byte[]> connection,
				Function<RedisRateLimiter.Settings, RedisRateLimiter> factory, RedisRateLimiter.Settings settings) {
			try {
				return new Connected(connection, factory.apply(settings), factory, new ConcurrentHashMap<>());
			}
			catch (RuntimeException ex) {
				connection.closeAsync();
				throw ex;
			}
		}

		/** A limiter with other settings on the same connection, made once. */
		RedisRateLimiter limiter(RedisRateLimiter.Settings settings) {
			return this.others.computeIfAbsent(settings, this.factory);
		}

	}

	/**
	 * Settings of the client.
	 *
	 * @param limiter the limiter's settings (key prefix, bucket4j request timeout)
	 * @param commandTimeout how long one Redis command may take; behind a
	 * {@link FallbackRateLimiter}, its answer wait
	 * ({@link FallbackRateLimiter.Settings#answerWait(Duration)}), so that a slow answer
	 * reaches it instead of being cut off at its timeout
	 * @param connectTimeout how long opening a connection may take
	 * @param maxReconnectDelay the longest wait between connection attempts while Redis
	 * is away
	 */
	public record Settings(RedisRateLimiter.Settings limiter, Duration commandTimeout, Duration connectTimeout,
			Duration maxReconnectDelay) {

		public Settings {
			Objects.requireNonNull(limiter, "limiter");
			positive(commandTimeout, "commandTimeout");
			positive(connectTimeout, "connectTimeout");
			positive(maxReconnectDelay, "maxReconnectDelay");
		}

		private static void positive(Duration duration, String name) {
			Objects.requireNonNull(duration, name);
			if (duration.isZero() || duration.isNegative()) {
				throw new IllegalArgumentException(name + " must be positive");
			}
		}

		/**
		 * The defaults: the limiter's defaults, 100 ms per command, 1 s to connect, at
		 * most 1 s between reconnection attempts.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(RedisRateLimiter.Settings.defaults(), RedisRateLimiter.Settings.DEFAULT_REQUEST_TIMEOUT,
					Duration.ofSeconds(1), Duration.ofSeconds(1));
		}

	}

}

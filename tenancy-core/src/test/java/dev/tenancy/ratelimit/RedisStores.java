package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * Connections of the engine tests: to the shared standalone Redis, or to a three-master
 * Redis Cluster started on loopback for the test class. Each instance a test makes gets a
 * connection of its own, as separate application instances would.
 */
final class RedisStores implements AutoCloseable {

	private final ClientResources resources = ClientResources.create();

	private final LoopbackRedisCluster cluster;

	private final RedisClient client;

	private final RedisClusterClient clusterClient;

	private final List<StatefulConnection<?, ?>> connections = new ArrayList<>();

	private RedisStores(boolean cluster) {
		if (cluster) {
			this.cluster = LoopbackRedisCluster.start(3);
			this.clusterClient = RedisClusterClient.create(this.resources,
					RedisURI.create("127.0.0.1", this.cluster.ports().get(0)));
			this.clusterClient.setOptions(RedisRateLimiter.clusterClientOptions(Duration.ofSeconds(2)));
			this.client = null;
		}
		else {
			this.cluster = null;
			this.clusterClient = null;
			this.client = RateLimitTesting.client(this.resources);
			this.client.setOptions(RedisRateLimiter.clientOptions(Duration.ofSeconds(2)));
		}
	}

	static RedisStores standalone() {
		return new RedisStores(false);
	}

	static RedisStores cluster() {
		return new RedisStores(true);
	}

	boolean isCluster() {
		return this.cluster != null;
	}

	LoopbackRedisCluster loopbackCluster() {
		return this.cluster;
	}

	synchronized StatefulRedisConnection<String, byte[]> connection() {
		StatefulRedisConnection<String, byte[]> connection = this.client.connect(RedisRateLimiter.CODEC);
		this.connections.add(connection);
		return connection;
	}

	synchronized StatefulRedisClusterConnection<String, byte[]> clusterConnection() {
		StatefulRedisClusterConnection<String, byte[]> connection = this.clusterClient.connect(RedisRateLimiter.CODEC);
		this.connections.add(connection);
		return connection;
	}

	ScriptRateLimiter script(RedisRateLimiter.Settings settings) {
		return isCluster() ? new ScriptRateLimiter(clusterConnection(), settings)
				: new ScriptRateLimiter(connection(), settings);
	}

	RedisRateLimiter bucket4j(RedisRateLimiter.Settings settings) {
		return isCluster() ? new RedisRateLimiter(clusterConnection(), settings)
				: new RedisRateLimiter(connection(), settings);
	}

	@Override
	public synchronized void close() {
		this.connections.forEach(StatefulConnection::close);
		if (this.client != null) {
			this.client.shutdown();
		}
		if (this.clusterClient != null) {
			this.clusterClient.shutdown();
		}
		this.resources.shutdown();
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

}

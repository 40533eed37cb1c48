package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter on a real three-master Redis Cluster started on loopback: it limits, each
 * tenant's keys share one slot (so one node holds them all), and tenants spread over the
 * masters.
 */
class RedisClusterRateLimiterTest {

	static final Duration HOUR = Duration.ofHours(1);

	static final List<String> TENANTS = List.of("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne",
			"wonka", "tyrell", "cyberdyne");

	static LoopbackRedisCluster cluster;

	static ClientResources resources;

	static RedisClusterClient client;

	static StatefulRedisClusterConnection<String, byte[]> connection;

	@BeforeAll
	static void startCluster() {
		cluster = LoopbackRedisCluster.start(3);
		resources = ClientResources.create();
		client = RedisClusterClient.create(resources, RedisURI.create("127.0.0.1", cluster.ports().get(0)));
		client.setOptions(RedisRateLimiter.clusterClientOptions(Duration.ofSeconds(1)));
		connection = client.connect(RedisRateLimiter.CODEC);
	}

	@AfterAll
	static void stopCluster() {
		if (connection != null) {
			connection.close();
		}
		if (client != null) {
			client.shutdown();
		}
		if (resources != null) {
			resources.shutdown();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void limitsOnTheClusterWithEachTenantsKeysInOneSlot() {
		RedisRateLimiter limiter = new RedisRateLimiter(connection, RedisRateLimiter.Settings.defaults());
		RedisAdvancedClusterCommands<String, byte[]> redis = connection.sync();
		Set<String> masters = new HashSet<>();
		for (String name : TENANTS) {
			Tenant tenant = tenant(TenantId.of(name), 1, limit(5, HOUR, 3, null));
			for (int i = 0; i < 3; i++) {
				assertThat(decide(limiter, request(tenant, "alice", null)).allowed()).isTrue();
			}
			RateLimitDecision userRejects = decide(limiter, request(tenant, "alice", null));
			assertThat(userRejects.rejectedBy()).isEqualTo("user");
			assertThat(decide(limiter, request(tenant, "bob", null)).allowed()).isTrue();
			assertThat(decide(limiter, request(tenant, "carol", null)).allowed()).isTrue();
			RateLimitDecision tenantRejects = decide(limiter, request(tenant, "dave", null));
			assertThat(tenantRejects.rejectedBy()).isEqualTo("tenant");
			assertThat(tenantRejects.statuses().get(1).remaining()).as("dave's token given back").isEqualTo(3);

			RateLimitKeys keys = limiter.keys();
			List<String> written = List.of(keys.tenant(tenant.id()), keys.user(tenant.id(), "alice"),
					keys.user(tenant.id(), "bob"), keys.user(tenant.id(), "carol"), keys.user(tenant.id(), "dave"));
			int slot = SlotHash.getSlot(keys.tenant(tenant.id()));
			RedisClusterNode owner = connection.getPartitions().getPartitionBySlot(slot);
			masters.add(owner.getNodeId());
			for (String key : written) {
				assertThat(SlotHash.getSlot(key)).isEqualTo(slot);
				assertThat(redis.clusterKeyslot(key)).as("the server's slot of %s", key).isEqualTo(slot);
				assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
				assertThat(connection.getConnection(owner.getNodeId()).sync().exists(key)).isEqualTo(1);
			}
		}
		assertThat(masters).as("tenants spread over the masters").hasSizeGreaterThanOrEqualTo(2);
	}

	@Test
	void aClusterClientFromOneSeedNodeFindsTheWholeCluster() {
		RedisRateLimitClient client = RedisRateLimitClient.cluster(
				List.of(RedisURI.create("127.0.0.1", cluster.ports().get(0))),
				new RedisRateLimitClient.Settings(RedisRateLimiter.Settings.defaults(), Duration.ofSeconds(1),
						Duration.ofSeconds(1), Duration.ofMillis(200)));
		try {
			assertThat(client.target()).startsWith("cluster 127.0.0.1:");
			assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
			for (String name : TENANTS) {
				Tenant tenant = tenant(TenantId.of(name + "-client"), 1, limit(2, HOUR));
				assertThat(decide(client, request(tenant, null, null)).source())
					.isEqualTo(RateLimitDecision.Source.REDIS);
				assertThat(decide(client, request(tenant, null, null)).allowed()).isTrue();
				assertThat(decide(client, request(tenant, null, null)).allowed()).isFalse();
			}
		}
		finally {
			client.close();
		}
	}

}

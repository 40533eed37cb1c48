package dev.tenancy.ratelimit;

import java.util.List;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The script engine on a three-master Redis Cluster started on loopback.
 */
class ScriptRateLimiterClusterTest extends RateLimiterContract {

	static RedisStores stores;

	@BeforeAll
	static void start() {
		stores = RedisStores.cluster();
	}

	@AfterAll
	static void stop() {
		if (stores != null) {
			stores.close();
		}
	}

	@Override
	RateLimiter limiter(String prefix) {
		return stores.script(RedisRateLimiter.Settings.defaults()
			.withKeyPrefix(prefix)
			.withRequestTimeout(java.time.Duration.ofSeconds(5))
			.withUserKeySecret("test-secret"));
	}

	@Override
	RateLimiter otherInstance(String prefix) {
		return limiter(prefix);
	}

	@Test
	void aServerThatForgotTheScriptRunsItAgainAndAllOfATenantsKeysShareItsNode() {
		String prefix = uniquePrefix();
		ScriptRateLimiter limiter = stores.script(RedisRateLimiter.Settings.defaults()
			.withKeyPrefix(prefix)
			.withRequestTimeout(java.time.Duration.ofSeconds(5))
			.withUserKeySecret("test-secret"));
		StatefulRedisClusterConnection<String, byte[]> admin = stores.clusterConnection();
		for (String name : List.of("acme", "globex", "initech", "umbrella", "hooli")) {
			Tenant tenant = tenant(TenantId.of(name), 1, limit(3, HOUR, 2, null));
			assertThat(decide(limiter, request(tenant, "alice", null)).allowed()).isTrue();
			// a restart or failover empties the script cache: NOSCRIPT, then EVAL
			for (RedisClusterNode node : admin.getPartitions()) {
				StatefulRedisConnection<String, byte[]> connection = admin.getConnection(node.getNodeId());
				connection.sync().scriptFlush();
			}
			assertThat(decide(limiter, request(tenant, "alice", null)).allowed()).isTrue();
			assertThat(decide(limiter, request(tenant, "alice", null)).rejectedBy()).isEqualTo("user");
			assertThat(decide(limiter, request(tenant, "bob", null)).allowed()).isTrue();
			assertThat(decide(limiter, request(tenant, "carol", null)).rejectedBy()).isEqualTo("tenant");
			int slot = SlotHash.getSlot(limiter.keys().tenant(tenant.id()));
			String owner = admin.getPartitions().getPartitionBySlot(slot).getNodeId();
			for (String key : List.of(limiter.keys().tenant(tenant.id()), limiter.keys().user(tenant.id(), "alice"),
					limiter.keys().user(tenant.id(), "bob"))) {
				assertThat(SlotHash.getSlot(key)).isEqualTo(slot);
				assertThat(admin.getConnection(owner).sync().exists(key)).as("%s on the tenant's node", key)
					.isEqualTo(1);
			}
		}
	}

}

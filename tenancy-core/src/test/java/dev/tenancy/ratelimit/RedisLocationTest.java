package dev.tenancy.ratelimit;

import java.util.List;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Where the limiter's Redis is, as Lettuce URIs: standalone, Sentinel and Cluster, with
 * credentials and TLS, and never a password in what is logged.
 */
class RedisLocationTest {

	@Test
	void aUrlKeepsItsCredentialsDatabaseAndTls() {
		RedisLocation location = RedisLocation.url("rediss://app:s3cret@cache.example:6380/2", "setting")
			.withCredentials("other", "other-secret");
		RedisURI uri = location.uris().get(0);
		assertThat(uri.getHost()).isEqualTo("cache.example");
		assertThat(uri.getPort()).isEqualTo(6380);
		assertThat(uri.getDatabase()).isEqualTo(2);
		assertThat(uri.isSsl()).isTrue();
		assertThat(uri.getUsername()).isEqualTo("app");
		assertThat(new String(uri.getPassword())).isEqualTo("s3cret");
		assertThat(location.toString()).doesNotContain("s3cret").contains("cache.example:6380", "tls");
	}

	@Test
	void credentialsAreAddedWhereThereAreNone() {
		RedisURI uri = RedisLocation.standalone("127.0.0.1", 6379, 0).withCredentials(null, "pw").uris().get(0);
		assertThat(uri.getUsername()).isNull();
		assertThat(new String(uri.getPassword())).isEqualTo("pw");
		assertThat(RedisLocation.standalone("127.0.0.1", 6379, 0).withCredentials("u", "").uris().get(0).getPassword())
			.isNull();
	}

	@Test
	void sentinelsCarryTheirOwnCredentialsAndTheMasterItsOwn() {
		RedisURI uri = RedisLocation.sentinel("mymaster", List.of("10.0.0.1:26379", "[::1]:26380"), 3, "setting")
			.withCredentials("app", "data-pw")
			.withSentinelCredentials(null, "sentinel-pw")
			.uris()
			.get(0);
		assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
		assertThat(uri.getDatabase()).isEqualTo(3);
		assertThat(new String(uri.getPassword())).isEqualTo("data-pw");
		assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "::1");
		assertThat(uri.getSentinels()).allMatch((sentinel) -> "sentinel-pw".equals(new String(sentinel.getPassword())));
	}

	@Test
	void clusterSeedsShareCredentialsAndTls() {
		RedisLocation location = RedisLocation.cluster(List.of("10.0.0.1:7000", "redis://10.0.0.2:7001"), "setting")
			.withCredentials("app", "pw")
			.withSsl(SslOptions.builder().build());
		assertThat(location.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
		assertThat(location.uris()).allMatch((uri) -> uri.isSsl() && "app".equals(uri.getUsername()));
		assertThat(location.describe()).isEqualTo("cluster 10.0.0.1:7000,10.0.0.2:7001");
	}

	@Test
	void badAddressesNameTheirSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisLocation.cluster(List.of("no-port"), "my.nodes"))
			.withMessageContaining("my.nodes")
			.withMessageContaining("no-port");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisLocation.url("http://x", "my.url"))
			.withMessageContaining("my.url");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisLocation.sentinel("", List.of("127.0.0.1:26379"), 0, "my.sentinels"));
	}

}

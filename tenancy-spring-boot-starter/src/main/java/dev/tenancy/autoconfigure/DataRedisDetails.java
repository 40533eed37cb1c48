package dev.tenancy.autoconfigure;

import java.util.List;

import io.lettuce.core.SslOptions;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

import dev.tenancy.ratelimit.RedisLocation;

/**
 * Spring Boot's {@link DataRedisConnectionDetails} as the limiter's
 * {@link RedisLocation}, with the same precedence as Boot's own Lettuce configuration
 * (Sentinel, then Cluster, then standalone) and the SSL bundle's key and trust material.
 * Only loaded when Spring Boot's Redis support is on the classpath.
 */
final class DataRedisDetails {

	private DataRedisDetails() {
	}

	/**
	 * The location of the connection details, if there are some.
	 * @param beanFactory the bean factory
	 * @return the location, or {@code null} when there are no connection details
	 */
	static RedisLocation location(ListableBeanFactory beanFactory) {
		DataRedisConnectionDetails details = beanFactory.getBeanProvider(DataRedisConnectionDetails.class)
			.getIfAvailable();
		return (details != null) ? location(details) : null;
	}

	static RedisLocation location(DataRedisConnectionDetails details) {
		RedisLocation location;
		DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
		DataRedisConnectionDetails.Cluster cluster = details.getCluster();
		if (sentinel != null) {
			location = RedisLocation
				.sentinel(sentinel.getMaster(), nodes(sentinel.getNodes()), sentinel.getDatabase(),
						"spring.data.redis.sentinel.nodes")
				.withSentinelCredentials(sentinel.getUsername(), sentinel.getPassword());
		}
		else if (cluster != null) {
			location = RedisLocation.cluster(nodes(cluster.getNodes()), "spring.data.redis.cluster.nodes");
		}
		else if (details.getMasterReplica() != null) {
			throw new IllegalArgumentException("a static master/replica setup (spring.data.redis.masterreplica.*) "
					+ "is not supported by the rate limiter; set tenancy.rate-limit.redis.url to the master");
		}
		else {
			DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
			location = RedisLocation.standalone(standalone.getHost(), standalone.getPort(), standalone.getDatabase());
		}
		location = location.withCredentials(details.getUsername(), details.getPassword());
		SslBundle bundle = details.getSslBundle();
		return (bundle != null) ? location.withSsl(sslOptions(bundle)) : location;
	}

	/** As Spring Boot's {@code LettuceConnectionConfiguration} maps a bundle. */
	private static SslOptions sslOptions(SslBundle bundle) {
		SslOptions.Builder builder = SslOptions.builder()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory());
		org.springframework.boot.ssl.SslOptions options = bundle.getOptions();
		if (options.getCiphers() != null) {
			builder.cipherSuites(options.getCiphers());
		}
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		return builder.build();
	}

	private static List<String> nodes(List<DataRedisConnectionDetails.Node> nodes) {
		return nodes.stream().map((node) -> new RedisLocation.Node(node.host(), node.port()).toString()).toList();
	}

}

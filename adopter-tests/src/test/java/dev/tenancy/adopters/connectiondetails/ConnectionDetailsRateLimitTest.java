package dev.tenancy.adopters.connectiondetails;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.ratelimit.RedisRateLimitClient;
import dev.tenancy.test.FakeIdentityProvider;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limiter takes its Redis from Spring Boot's {@link DataRedisConnectionDetails}:
 * with {@code spring.data.redis.url} pointing at a closed port and the connection details
 * (what {@code @ServiceConnection} registers) pointing at the real Redis, requests carry
 * the rate-limit headers, the fourth request of a three-request plan is 429, and the
 * buckets are in that Redis.
 */
class ConnectionDetailsRateLimitTest {

	private static final String PREFIX = "adopter-cd-" + UUID.randomUUID().toString().substring(0, 8);

	private static FakeIdentityProvider idp;

	private static ConfigurableApplicationContext app;

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() {
		idp = new FakeIdentityProvider();
		idp.start();
		URI redis = TestServices.redisUri();
		app = new SpringApplicationBuilder(ConnectionDetailsApplication.class)
			.initializers((context) -> context.getBeanFactory()
				.registerSingleton("redisServiceConnection", new DataRedisConnectionDetails() {
					@Override
					public Standalone getStandalone() {
						return Standalone.of(redis.getHost(), redis.getPort());
					}
				}))
			.properties("server.port=0", "spring.data.redis.url=redis://127.0.0.1:1",
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
					"spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + idp.jwkSetUri(),
					"tenancy.tenants.acme.display-name=Acme Travel", "tenancy.tenants.acme.config.rate-limit.limit=3",
					"tenancy.tenants.acme.config.rate-limit.window=PT1M", "tenancy.rate-limit.key-prefix=" + PREFIX)
			.run();
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (idp != null) {
			idp.close();
		}
	}

	@Test
	void rateLimitsInTheRedisOfTheConnectionDetails() throws Exception {
		RedisRateLimitClient client = app.getBean(RedisRateLimitClient.class);
		URI redis = TestServices.redisUri();
		assertThat(client.target()).isEqualTo(redis.getHost() + ":" + redis.getPort());
		assertThat(client.isConnected()).isTrue();
		String token = idp.token((claims) -> claims.claim("tenant_id", "acme"));
		List<HttpResponse<String>> answers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			answers.add(get(token));
		}
		for (HttpResponse<String> answer : answers.subList(0, 3)) {
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.body()).contains("acme");
			assertThat(answer.headers().firstValue("RateLimit-Policy")).isPresent();
			assertThat(answer.headers().firstValue("RateLimit")).isPresent();
		}
		HttpResponse<String> limited = answers.get(3);
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).isPresent();
		assertThat(limited.body()).contains("rate_limited");
		assertThat(keysIn(redis)).isNotEmpty().allMatch((key) -> key.startsWith(PREFIX));
	}

	private HttpResponse<String> get(String token) throws Exception {
		int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/greeting"))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static List<String> keysIn(URI redis) {
		RedisClient client = RedisClient.create("redis://" + redis.getHost() + ":" + redis.getPort());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<String> keys = new ArrayList<>();
			ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(PREFIX + "*").limit(1000))
				.forEachRemaining(keys::add);
			return keys;
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

}

package dev.tenancy.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong client secrets at the local token endpoint are throttled per source address (10 a
 * minute) and per client id (20 a minute), counted in the real Redis. Each test sends
 * from loopback addresses of its own ({@code 127.x.y.z}, all of which reach the app on
 * Linux), so the budget of {@code 127.0.0.1} that the other tests use is never touched.
 */
@LocalAppTest
class TokenEndpointThrottleTest {

	@LocalServerPort
	int port;

	private static InetAddress randomLoopback() throws IOException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return InetAddress.getByAddress(new byte[] { 127, (byte) random.nextInt(1, 255), (byte) random.nextInt(1, 255),
				(byte) random.nextInt(2, 255) });
	}

	private HttpResponse<String> token(InetAddress from, String client, String secret) throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.localAddress(from)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/oauth2/token"))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void fromTheEleventhWrongSecretAnAddressGets429EvenWithTheRightSecret() throws Exception {
		InetAddress attacker = randomLoopback();
		List<Integer> statuses = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < 40; i++) {
			HttpResponse<String> response = token(attacker, "acme-client", "guess-" + i);
			statuses.add(response.statusCode());
			assertThat(response.body()).doesNotContain("access_token", "guess-");
			if (i >= 10) {
				assertThat(response.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				assertThat(Api.json(response).path("code").asString()).isEqualTo("rate_limited");
				assertThat(response.headers().firstValue("Retry-After").map(Long::parseLong))
					.hasValueSatisfying((seconds) -> assertThat(seconds).isBetween(1L, 60L));
				assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
			}
		}
		assertThat(statuses.subList(0, 10)).containsOnly(401);
		assertThat(statuses.subList(10, 40)).containsOnly(429);

		HttpResponse<String> right = token(attacker, "acme-client", "acme-secret");
		assertThat(right.statusCode()).as("the right secret from the throttled address").isEqualTo(429);
		assertThat(right.body()).doesNotContain("access_token");

		HttpResponse<String> elsewhere = token(randomLoopback(), "acme-client", "acme-secret");
		assertThat(elsewhere.statusCode()).as("the right secret from another address").isEqualTo(200);
		assertThat(Api.json(elsewhere).path("access_token").asString()).isNotBlank();
		assertThat((System.nanoTime() - start) / 1_000_000_000).as("seconds: all inside one window").isLessThan(50);
	}

	@Test
	void twentyFailuresForOneClientFromManyAddressesThrottleTheClient() throws Exception {
		// A client id nobody else uses (it need not exist: unknown clients are guesses
		// too).
		String client = "ghost-" + ThreadLocalRandom.current().nextInt(1_000_000) + "-client";
		int refused = 0;
		while (refused < 40 && token(randomLoopback(), client, "guess").statusCode() == 401) {
			refused++;
		}
		assertThat(refused).as("401s before the client's budget ran out").isEqualTo(20);

		HttpResponse<String> fresh = token(randomLoopback(), client, "guess");
		assertThat(fresh.statusCode()).as("a fresh address, the throttled client").isEqualTo(429);
		assertThat(fresh.headers().firstValue("Retry-After")).isPresent();
	}

	@Test
	void successfulAuthenticationsCountNothing() throws Exception {
		InetAddress caller = randomLoopback();
		for (int i = 0; i < 25; i++) {
			assertThat(token(caller, "globex-client", "globex-secret").statusCode()).isEqualTo(200);
		}
		assertThat(token(caller, "globex-client", "wrong").statusCode()).isEqualTo(401);
	}

	@Test
	void keysAreHashTaggedHoldNothingSentAndExpire() throws Exception {
		InetAddress attacker = randomLoopback();
		String client = "keys-" + ThreadLocalRandom.current().nextInt(1_000_000) + "-client";
		token(attacker, client, "secret-in-a-key?");

		try (RedisClient redisClient = RedisClient.create(TestServices.redisUrl());
				StatefulRedisConnection<String, String> connection = redisClient.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			List<String> keys = redis.keys(TestRedis.KEY_PREFIX + ":auth:*");
			Pattern shape = Pattern
				.compile(Pattern.quote(TestRedis.KEY_PREFIX) + ":auth:(s:)?\\{oauth2-[ac]-[0-9a-f]{32}\\}:tenant");
			assertThat(keys).isNotEmpty().allSatisfy((key) -> assertThat(key).matches(shape));
			assertThat(String.join(" ", keys)).doesNotContain(client, "secret", attacker.getHostAddress(), "127.");
			for (String key : keys) {
				assertThat(redis.pttl(key)).as("TTL of %s in ms", key).isBetween(1L, 62_000L);
			}
		}
	}

	@Test
	void malformedBasicCredentialsAreCountedWithoutEchoing() throws Exception {
		InetAddress attacker = randomLoopback();
		HttpClient http = HttpClient.newBuilder().localAddress(attacker).build();
		for (String header : new String[] { "Basic %%%", "Basic " + "A".repeat(4000), "Basic Og==" }) {
			HttpResponse<String> response = http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/oauth2/token"))
					.header("Authorization", header)
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isIn(400, 401);
			assertThat(response.body()).doesNotContain("%%%", "AAAA");
		}
	}

}

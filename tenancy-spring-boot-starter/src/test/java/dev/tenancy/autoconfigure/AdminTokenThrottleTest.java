package dev.tenancy.autoconfigure;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.tenancy.autoconfigure.webapp.TestApplication;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * Wrong {@code X-Admin-Token} values are throttled per source address (10 a minute) and
 * for the token as a whole (20 a minute), counted in the real Redis: from the 11th wrong
 * token of an address every token request from it is 429, the right token included, while
 * the right token from another address still works; admin-scoped JWTs are never
 * throttled. The methods run in order: the last one spends the token's whole budget.
 */
@SpringBootTest(classes = TestApplication.class, properties = { "tenancy.tenants.acme.display-name=Acme Travel",
		"tenancy.admin.token=" + AdminTokenThrottleTest.TOKEN, "tenancy.admin.api.enabled=true",
		"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@AutoConfigureMockMvc
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminTokenThrottleTest {

	static final String TOKEN = "adm-Throttle-Qx83-bootstrap";

	static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":rl";

	@org.springframework.test.context.DynamicPropertySource
	static void redis(org.springframework.test.context.DynamicPropertyRegistry registry) {
		registry.add("tenancy.rate-limit.redis.url", TestServices::redisUrl);
		registry.add("tenancy.rate-limit.key-prefix", () -> PREFIX);
		registry.add("tenancy.rate-limit.timeout", () -> "1s");
	}

	@Autowired
	MockMvc mvc;

	private static String randomAddress() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "10." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(1, 255);
	}

	private static RequestPostProcessor from(String address) {
		return (request) -> {
			request.setRemoteAddr(address);
			return request;
		};
	}

	private MvcResult admin(String address, String token) throws Exception {
		return this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", token).with(from(address))).andReturn();
	}

	@Test
	@Order(1)
	void fromTheEleventhWrongTokenAnAddressIsThrottledEvenWithTheRightOne() throws Exception {
		String attacker = randomAddress();
		long start = System.nanoTime();
		List<Integer> statuses = new java.util.ArrayList<>();
		for (int i = 0; i < 40; i++) {
			MvcResult result = admin(attacker, "wrong-" + i);
			statuses.add(result.getResponse().getStatus());
			if (i >= 10) {
				assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
				assertThat(result.getResponse().getContentAsString()).contains("\"code\":\"rate_limited\"")
					.doesNotContain("wrong-");
				assertThat(Long.parseLong(result.getResponse().getHeader("Retry-After"))).isBetween(1L, 60L);
			}
		}
		assertThat(statuses.subList(0, 10)).containsOnly(403);
		assertThat(statuses.subList(10, 40)).containsOnly(429);

		MvcResult right = admin(attacker, TOKEN);
		assertThat(right.getResponse().getStatus()).as("the right token from a throttled address").isEqualTo(429);

		MvcResult elsewhere = admin(randomAddress(), TOKEN);
		assertThat(elsewhere.getResponse().getStatus()).as("the right token from another address").isEqualTo(200);
		assertThat((System.nanoTime() - start) / 1_000_000_000).as("seconds: all inside one window").isLessThan(50);
	}

	@Test
	@Order(2)
	void adminScopedTokensAndRequestsWithoutTheHeaderAreNeverThrottled() throws Exception {
		String attacker = randomAddress();
		for (int i = 0; i < 11; i++) {
			admin(attacker, "wrong-" + i);
		}
		assertThat(admin(attacker, "wrong").getResponse().getStatus()).isEqualTo(429);

		MvcResult jwtAdmin = this.mvc
			.perform(get("/admin/tenants").with(from(attacker))
				.with(jwt().authorities(new SimpleGrantedAuthority("SCOPE_tenancy.admin"))))
			.andReturn();
		assertThat(jwtAdmin.getResponse().getStatus()).isEqualTo(200);
		MvcResult noHeader = this.mvc.perform(get("/admin/tenants").with(from(attacker))).andReturn();
		assertThat(noHeader.getResponse().getStatus()).isEqualTo(401);
	}

	@Test
	@Order(3)
	void keysAreHashTaggedHashedAndExpire() {
		try (RedisClient client = RedisClient.create(TestServices.redisUrl());
				StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			List<String> keys = redis.keys(PREFIX + ":auth:*");
			assertThat(keys).isNotEmpty()
				.allSatisfy((key) -> assertThat(key)
					.matches(java.util.regex.Pattern.quote(PREFIX) + ":auth:(s:)?\\{admin-[ac]-[0-9a-f]{32}\\}:tenant"))
				.noneMatch((key) -> key.contains("10.") || key.contains("X-Admin") || key.contains("wrong")
						|| key.contains(TOKEN));
			assertThat(keys).anyMatch((key) -> key.contains("{admin-c-"));
			for (String key : keys) {
				assertThat(redis.pttl(key)).as("TTL of %s in ms", key).isBetween(1L, 62_000L);
			}
			// The tenants' own limits never share these keys.
			assertThat(redis.keys(PREFIX + ":{admin-*")).isEmpty();
		}
	}

	@Test
	@Order(4)
	void twentyWrongTokensFromAnywhereThrottleTheTokenItself() throws Exception {
		// Earlier methods already spent some of the token's budget: spend the rest, one
		// address each.
		int wrong = 0;
		while (wrong < 40 && admin(randomAddress(), "wrong-anywhere").getResponse().getStatus() == 403) {
			wrong++;
		}
		assertThat(wrong).as("wrong tokens before the token's budget ran out").isLessThanOrEqualTo(20);

		MvcResult fresh = admin(randomAddress(), TOKEN);
		assertThat(fresh.getResponse().getStatus()).as("the right token from a fresh address").isEqualTo(429);
		assertThat(fresh.getResponse().getHeader("Retry-After")).isNotNull();
	}

}

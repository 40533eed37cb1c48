package dev.tenancy.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated configuration metadata documents the starter's properties, so IDEs and
 * the README table can rely on it.
 */
class ConfigurationMetadataTest {

	private static final Map<String, JsonNode> properties = new LinkedHashMap<>();

	private static final Map<String, JsonNode> hints = new LinkedHashMap<>();

	/**
	 * HTML a description must not carry (angle brackets around a placeholder are fine).
	 */
	private static final Pattern HTML = Pattern.compile("</?(a|b|br|code|em|i|li|ol|p|pre|strong|ul)\\b[^>]*>");

	@BeforeAll
	static void readMetadata() throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		List<URL> resources = Collections.list(ConfigurationMetadataTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		List<URL> ours = new ArrayList<>();
		for (URL url : resources) {
			try (InputStream in = url.openStream()) {
				JsonNode root = json.readTree(in);
				boolean tenancy = false;
				for (JsonNode property : root.path("properties")) {
					if (property.path("name").asString().startsWith("tenancy.")) {
						properties.put(property.path("name").asString(), property);
						tenancy = true;
					}
				}
				for (JsonNode hint : root.path("hints")) {
					if (hint.path("name").asString().startsWith("tenancy.")) {
						hints.put(hint.path("name").asString(), hint);
					}
				}
				if (tenancy) {
					ours.add(url);
				}
			}
		}
		assertThat(ours).as("metadata files with tenancy.* properties").hasSize(1);
		assertThat(ours.get(0).toString()).contains("tenancy-spring-boot-starter");
	}

	@ParameterizedTest
	@ValueSource(strings = { "tenancy.enabled", "tenancy.tenants", "tenancy.resolution.require-grant",
			"tenancy.resolution.exempt-paths", "tenancy.resolution.additional-exempt-paths",
			"tenancy.resolution.jwt.enabled", "tenancy.resolution.jwt.claim", "tenancy.resolution.jwt.list-claim",
			"tenancy.resolution.header.enabled", "tenancy.resolution.header.names", "tenancy.resolution.host.enabled",
			"tenancy.resolution.host.base-domain", "tenancy.resolution.path.enabled", "tenancy.resolution.path.prefix",
			"tenancy.admin.token", "tenancy.admin.scope", "tenancy.admin.paths", "tenancy.admin.api.enabled",
			"tenancy.security.enabled", "tenancy.security.public-paths", "tenancy.security.content-security-policy",
			"tenancy.security.hsts.enabled", "tenancy.security.hsts.max-age", "tenancy.security.jwt.clock-skew",
			"tenancy.context-propagation.enabled", "tenancy.rate-limit.enabled", "tenancy.rate-limit.redis.url",
			"tenancy.rate-limit.redis.username", "tenancy.rate-limit.redis.password",
			"tenancy.rate-limit.redis.cluster.nodes", "tenancy.rate-limit.redis.sentinel.master",
			"tenancy.rate-limit.redis.sentinel.nodes", "tenancy.rate-limit.redis.connect-timeout",
			"tenancy.rate-limit.redis.max-reconnect-delay", "tenancy.rate-limit.timeout",
			"tenancy.rate-limit.breaker.failure-threshold", "tenancy.rate-limit.breaker.probe-delay",
			"tenancy.rate-limit.expected-instances", "tenancy.rate-limit.failure-mode", "tenancy.rate-limit.plans",
			"tenancy.rate-limit.routes", "tenancy.rate-limit.metrics.max-tenant-tags", "tenancy.rate-limit.key-prefix",
			"tenancy.registry.source", "tenancy.registry.config-server.url", "tenancy.registry.config-server.username",
			"tenancy.registry.config-server.password", "tenancy.registry.config-server.connect-timeout",
			"tenancy.registry.config-server.read-timeout", "tenancy.registry.config-server.poll-interval" })
	void propertyIsDocumented(String name) {
		assertThat(properties).containsKey(name);
		JsonNode property = properties.get(name);
		assertThat(property.path("description").asString()).as(name + " description")
			.isNotBlank()
			.hasSizeGreaterThan(10);
		assertThat(property.path("type").asString()).as(name + " type").isNotBlank();
	}

	@Test
	void defaultsAreDocumented() {
		assertThat(defaultOf("tenancy.enabled")).isEqualTo("true");
		assertThat(defaultOf("tenancy.resolution.require-grant")).isEqualTo("true");
		assertThat(defaultOf("tenancy.resolution.jwt.claim")).isEqualTo("tenant_id");
		assertThat(defaultOf("tenancy.resolution.jwt.list-claim")).isEqualTo("tenants");
		assertThat(properties.get("tenancy.resolution.header.names").path("defaultValue").toString())
			.contains("X-Client-ID", "X-Tenant-ID");
		assertThat(defaultOf("tenancy.admin.scope")).isEqualTo("tenancy.admin");
		assertThat(defaultOf("tenancy.admin.api.enabled")).isEqualTo("false");
		assertThat(defaultOf("tenancy.security.content-security-policy"))
			.isEqualTo("default-src 'none'; frame-ancestors 'none'");
		assertThat(defaultOf("tenancy.security.jwt.clock-skew")).isEqualTo("60s");
		assertThat(defaultOf("tenancy.context-propagation.enabled")).isEqualTo("true");
		assertThat(defaultOf("tenancy.rate-limit.enabled")).isEqualTo("true");
		assertThat(defaultOf("tenancy.rate-limit.timeout")).isEqualTo("100ms");
		assertThat(defaultOf("tenancy.rate-limit.breaker.failure-threshold")).isEqualTo("5");
		assertThat(defaultOf("tenancy.rate-limit.breaker.probe-delay")).isEqualTo("1s");
		assertThat(defaultOf("tenancy.rate-limit.expected-instances")).isEqualTo("1");
		assertThat(defaultOf("tenancy.rate-limit.failure-mode")).isEqualTo("local");
		assertThat(defaultOf("tenancy.rate-limit.metrics.max-tenant-tags")).isEqualTo("100");
		assertThat(defaultOf("tenancy.rate-limit.key-prefix")).isEqualTo("tenancy:rl");
		assertThat(defaultOf("tenancy.registry.config-server.connect-timeout")).isEqualTo("1s");
		assertThat(defaultOf("tenancy.registry.config-server.read-timeout")).isEqualTo("2s");
		assertThat(defaultOf("tenancy.registry.config-server.poll-interval")).isEqualTo("500ms");
		assertThat(properties.get("tenancy.registry.config-server.password").has("defaultValue")).isFalse();
		// No Redis location by default: the limiter is off until one is configured.
		assertThat(properties.get("tenancy.rate-limit.redis.url").has("defaultValue")).isFalse();
		// The admin token has no default: unset means closed.
		assertThat(properties.get("tenancy.admin.token").has("defaultValue")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "tenancy.web.max-request-body-size", "tenancy.admin.failed-attempts.enabled",
			"tenancy.admin.failed-attempts.per-address", "tenancy.admin.failed-attempts.per-token",
			"tenancy.admin.failed-attempts.window" })
	void requestLimitPropertiesAreDocumented(String name) {
		propertyIsDocumented(name);
	}

	@Test
	void requestLimitDefaultsAreDocumented() {
		assertThat(defaultOf("tenancy.web.max-request-body-size")).isEqualTo("1MB");
		assertThat(defaultOf("tenancy.admin.failed-attempts.enabled")).isEqualTo("true");
		assertThat(defaultOf("tenancy.admin.failed-attempts.per-address")).isEqualTo("10");
		assertThat(defaultOf("tenancy.admin.failed-attempts.per-token")).isEqualTo("20");
		assertThat(defaultOf("tenancy.admin.failed-attempts.window")).isEqualTo("1m");
	}

	@Test
	void descriptionsReadLikeSpringBootsOwn() {
		assertThat(properties).hasSizeGreaterThan(60);
		properties.forEach((name, property) -> {
			String description = property.path("description").asString();
			assertThat(description).as(name).isNotBlank();
			assertThat(Character.isUpperCase(description.charAt(0))).as("%s starts upper case: %s", name, description)
				.isTrue();
			assertThat(description).as(name).endsWith(".").doesNotContain("{@").doesNotContain("&lt;");
			assertThat(HTML.matcher(description).find()).as("%s has HTML: %s", name, description).isFalse();
		});
	}

	@Test
	void everyEnumPropertyHasAHintWithEveryValue() throws ClassNotFoundException {
		int enums = 0;
		for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
			String type = property.getValue().path("type").asString();
			Class<?> enumType = enumType(type);
			if (enumType == null) {
				continue;
			}
			enums++;
			JsonNode hint = hints.get(property.getKey());
			assertThat(hint).as("hint for " + property.getKey()).isNotNull();
			List<String> values = new ArrayList<>();
			hint.path("values").forEach((value) -> {
				values.add(value.path("value").asString());
				assertThat(value.path("description").asString()).as(property.getKey() + " " + value)
					.isNotBlank()
					.endsWith(".");
			});
			List<String> expected = new ArrayList<>();
			for (Object constant : enumType.getEnumConstants()) {
				expected.add(((Enum<?>) constant).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
			}
			assertThat(values).as(property.getKey()).containsExactlyInAnyOrderElementsOf(expected);
		}
		assertThat(enums).as("enum properties").isGreaterThanOrEqualTo(4);
	}

	@ParameterizedTest
	@ValueSource(strings = { "display-name", "status", "config.plan", "config.rate-limit.limit",
			"config.rate-limit.window", "config.rate-limit.burst", "config.rate-limit.per-user.limit",
			"config.rate-limit.per-user.window", "config.rate-limit.costs", "config.features", "config.email-domains",
			"config.locale", "config.attributes" })
	void everyTenantKeyIsDocumented(String key) {
		propertyIsDocumented("tenancy.tenants.<id>." + key);
	}

	@Test
	void durationsOfTenantsSayBothForms() {
		assertThat(properties.get("tenancy.tenants.<id>.config.rate-limit.window").path("description").asString())
			.contains("1m", "PT1M");
	}

	private static Class<?> enumType(String type) throws ClassNotFoundException {
		if (type.isEmpty() || type.startsWith("java.") || type.contains("<")) {
			return null;
		}
		String binary = type;
		Class<?> found = null;
		while (found == null) {
			try {
				found = Class.forName(binary);
			}
			catch (ClassNotFoundException ex) {
				int dot = binary.lastIndexOf('.');
				if (dot < 0) {
					throw ex;
				}
				binary = binary.substring(0, dot) + "$" + binary.substring(dot + 1);
			}
		}
		return found.isEnum() ? found : null;
	}

	private static String defaultOf(String name) {
		return properties.get(name).path("defaultValue").asString();
	}

}

package dev.tenancy.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fail-fast database properties are documented in the generated metadata, with their
 * defaults.
 */
class DatabasePropertiesMetadataTest {

	@ParameterizedTest
	@CsvSource({ "tenancy.jdbc.connection-timeout, 1s", "tenancy.jdbc.health-timeout, 500ms" })
	void documentedWithItsDefault(String name, String defaultValue) throws Exception {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		JsonMapper json = JsonMapper.builder().build();
		for (URL url : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					properties.put(property.path("name").asString(), property);
				}
			}
		}
		assertThat(properties).containsKey(name);
		JsonNode property = properties.get(name);
		assertThat(property.path("type").asString()).isEqualTo("java.time.Duration");
		assertThat(property.path("description").asString()).hasSizeGreaterThan(30);
		assertThat(property.path("defaultValue").asString()).isEqualTo(defaultValue);
	}

}

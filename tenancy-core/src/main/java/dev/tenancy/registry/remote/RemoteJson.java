package dev.tenancy.registry.remote;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strict reading of the API's JSON: well-formed, no duplicate keys, nothing after the
 * document, an object at the top.
 */
final class RemoteJson {

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private RemoteJson() {
	}

	static JsonNode readObject(byte[] body, String what) {
		JsonNode root;
		try {
			root = MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			throw new ConfigServerResponseException("Config server sent malformed JSON for " + what, ex);
		}
		if (root == null || !root.isObject()) {
			throw new ConfigServerResponseException("Config server sent no JSON object for " + what);
		}
		return root;
	}

	static long nonNegativeLong(JsonNode parent, String field, String what) {
		JsonNode node = parent.get(field);
		if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
			throw new ConfigServerResponseException(
					"Config server sent " + what + " without a non-negative integer '" + field + "'");
		}
		return node.asLong();
	}

	static String text(JsonNode parent, String field, boolean required, String what) {
		JsonNode node = parent.get(field);
		if (node == null || node.isNull()) {
			if (required) {
				throw new ConfigServerResponseException("Config server sent " + what + " without '" + field + "'");
			}
			return null;
		}
		if (!node.isString()) {
			throw new ConfigServerResponseException("Config server sent " + what + " with a non-text '" + field + "'");
		}
		return node.asString();
	}

}

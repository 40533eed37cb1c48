package dev.tenancy.configserver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain JDK HTTP calls against a running config server, and helpers to read its JSON. */
final class Http {

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Http() {
	}

	/**
	 * GET a raw (already encoded) path.
	 * @param authorization the Authorization header value, or null for none
	 */
	static HttpResponse<String> get(int port, String rawPath, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + rawPath))
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "application/json")
			.GET();
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		try {
			return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("GET " + rawPath + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	/** The property sources of an Environment response, by name, in response order. */
	static Map<String, JsonNode> propertySources(HttpResponse<String> response) {
		Map<String, JsonNode> sources = new LinkedHashMap<>();
		for (JsonNode source : json(response).path("propertySources")) {
			sources.put(source.path("name").asString(), source.path("source"));
		}
		return sources;
	}

	static List<String> propertySourceNames(HttpResponse<String> response) {
		return new ArrayList<>(propertySources(response).keySet());
	}

}

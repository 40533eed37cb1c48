package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads every page of {@code GET /api/trips} by following {@code next}.
 */
final class TripPages {

	private TripPages() {
	}

	/**
	 * All trips the caller can list, in list order.
	 * @param api the app
	 * @param headers request headers, name then value
	 * @return the trips
	 */
	static List<JsonNode> all(Api api, String... headers) {
		List<JsonNode> trips = new ArrayList<>();
		String next = null;
		for (int page = 0; page < 1_000; page++) {
			String path = "/api/trips?size=200"
					+ ((next != null) ? "&after=" + URLEncoder.encode(next, StandardCharsets.UTF_8) : "");
			HttpResponse<String> response = api.get(path, headers);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode body = Api.json(response);
			body.path("items").forEach(trips::add);
			if (body.path("next").isNull() || body.path("next").isMissingNode()) {
				return trips;
			}
			next = body.path("next").asString();
		}
		throw new AssertionError("more than 1,000 pages");
	}

	/**
	 * The ids of all trips the caller can list.
	 * @param api the app
	 * @param headers request headers, name then value
	 * @return the ids
	 */
	static List<String> ids(Api api, String... headers) {
		return all(api, headers).stream().map((trip) -> trip.path("id").asString()).toList();
	}

}

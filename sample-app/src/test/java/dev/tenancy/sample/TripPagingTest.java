package dev.tenancy.sample;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/trips} answers pages: bounded size, keyset cursor, strict parameters.
 * Uses two tenants of the shipped files that no other test writes trips for
 * ({@code tidewater}, {@code tasman-bridge}), so the counts are exact.
 */
@LocalAppTest
class TripPagingTest {

	private static final String TENANT = "tidewater";

	private static final String OTHER = "tasman-bridge";

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	private Api api() {
		return new Api(this.port);
	}

	private String auth(String tenant) {
		// A user per call: the per-user rate limit (100 per minute) is not what is tested
		// here.
		return Api.bearer(LocalTokens.forTenant(this.context, tenant, tenant + "-pager-" + (++users)));
	}

	private static int created;

	private static int users;

	@BeforeEach
	void trips() {
		synchronized (TripPagingTest.class) {
			if (created > 0) {
				return;
			}
			// 55 trips in 11 start dates, five names each, some names alike: ties on date
			// and name.
			// Each by its own user: the per-user limit is not what is tested (and while
			// Redis is
			// slow each instance limits at a third of it).
			for (int i = 0; i < 55; i++) {
				String writer = Api.bearer(LocalTokens.forTenant(this.context, TENANT, TENANT + "-writer-" + i));
				String body = """
						{"name":"Trip %s","destination":"Hobart","startDate":"2031-03-%02d","endDate":"2031-04-01"}"""
					.formatted((char) ('A' + (i % 3)), 1 + (i % 11));
				HttpResponse<String> response = api().postJson("/api/trips", body, "Authorization", writer);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
			}
			String other = Api.bearer(LocalTokens.forTenant(this.context, OTHER, OTHER + "-writer"));
			assertThat(api().postJson("/api/trips", """
					{"name":"Tasman trip","destination":"Nelson","startDate":"2031-03-05","endDate":"2031-03-06"}""",
					"Authorization", other)
				.statusCode()).isEqualTo(201);
			created = 55;
		}
	}

	@Test
	void firstPageHasTheDefaultSizeAndACursor() {
		HttpResponse<String> response = api().get("/api/trips", "Authorization", auth(TENANT));

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = Api.json(response);
		assertThat(body.path("items")).hasSize(50);
		assertThat(body.path("next").asString()).matches("[A-Za-z0-9_-]+");
		HttpResponse<String> rest = api().get("/api/trips?after=" + body.path("next").asString(), "Authorization",
				auth(TENANT));
		assertThat(Api.json(rest).path("items")).hasSize(5);
		assertThat(Api.json(rest).path("next").isNull()).isTrue();
	}

	@Test
	void walkingThePagesGivesEveryTripOnceInOrder() {
		List<JsonNode> walked = new ArrayList<>();
		String next = null;
		int pages = 0;
		do {
			HttpResponse<String> response = api().get("/api/trips?size=7" + ((next != null) ? "&after=" + next : ""),
					"Authorization", auth(TENANT));
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode body = Api.json(response);
			assertThat(body.path("items").size()).isLessThanOrEqualTo(7);
			body.path("items").forEach(walked::add);
			next = body.path("next").isNull() ? null : body.path("next").asString();
			pages++;
		}
		while (next != null);

		assertThat(pages).isEqualTo(8);
		assertThat(walked).hasSize(55);
		assertThat(new HashSet<>(walked.stream().map((trip) -> trip.path("id").asString()).toList())).hasSize(55);
		assertThat(walked)
			.isSortedAccordingTo(Comparator.comparing((JsonNode trip) -> trip.path("startDate").asString())
				.thenComparing((trip) -> trip.path("name").asString())
				.thenComparing((trip) -> trip.path("id").asString()));
		assertThat(walked).noneMatch((trip) -> trip.path("name").asString().equals("Tasman trip"));
	}

	@Test
	void largestPageIsAllowedAndHoldsEverything() {
		HttpResponse<String> response = api().get("/api/trips?size=200", "Authorization", auth(TENANT));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("items")).hasSize(55);
		assertThat(Api.json(response).path("next").isNull()).isTrue();
	}

	@Test
	void cursorOfOneTenantOnlyPositionsAnotherInsideItsOwnTrips() {
		String firstCursor = Api.json(api().get("/api/trips?size=1", "Authorization", auth(TENANT)))
			.path("next")
			.asString();

		HttpResponse<String> response = api().get("/api/trips?after=" + firstCursor, "Authorization", auth(OTHER));

		assertThat(response.statusCode()).isEqualTo(200);
		for (JsonNode trip : Api.json(response).path("items")) {
			assertThat(trip.path("name").asString()).isEqualTo("Tasman trip");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-1", "201", "1000", "99999999999999999999", "abc", "1e2", "0x10", "%2B5", "5%20",
			"%205", "5.0", "", "%EF%BC%95", "5&size=6", "%00" })
	void invalidSizeIs400WithoutEchoingIt(String size) {
		HttpResponse<String> response = api().get("/api/trips?size=" + size, "Authorization", auth(TENANT));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = Api.json(response);
		assertThat(body.path("code").asString()).isEqualTo("invalid_request");
		assertThat(body.path("violations").get(0).path("path").asString()).isEqualTo("size");
		assertThat(response.body()).doesNotContain("abc", "1e2", "0x10", "99999", "1000", "\u0000");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "garbage!", "AAAA", "dGhpcyBpcyBub3QgYSBjdXJzb3I", "djF8MjAzMS0wMy0wMXxub3QtYS11dWlkfE5hbWU",
					"djF8MjAzMS0wMi0zMHwwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDB8VHJpcA",
					"djJ8MjAzMS0wMy0wMXwwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDB8VHJpcA", "" })
	void malformedCursorIs400WithoutEchoingIt(String cursor) {
		HttpResponse<String> response = api().get(
				"/api/trips?after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), "Authorization", auth(TENANT));

		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode body = Api.json(response);
		assertThat(body.path("code").asString()).isEqualTo("invalid_request");
		assertThat(body.path("violations").get(0).path("path").asString()).isEqualTo("after");
		if (!cursor.isEmpty()) {
			assertThat(response.body()).doesNotContain(cursor);
		}
	}

	@Test
	void overlongCursorIs400() {
		String name = "N".repeat(5_000);
		String forged = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					("v1|2031-03-01|00000000-0000-0000-0000-000000000000|" + name).getBytes(StandardCharsets.UTF_8));

		HttpResponse<String> response = api().get("/api/trips?after=" + forged, "Authorization", auth(TENANT));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).doesNotContain("NNNN");
	}

	@Test
	void wellFormedForgedCursorJustPositionsTheList() {
		String forged = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					"v1|2031-03-06|00000000-0000-0000-0000-000000000000|Trip A".getBytes(StandardCharsets.UTF_8));

		HttpResponse<String> response = api().get("/api/trips?size=200&after=" + forged, "Authorization", auth(TENANT));

		assertThat(response.statusCode()).isEqualTo(200);
		for (JsonNode trip : Api.json(response).path("items")) {
			assertThat(trip.path("startDate").asString()).isGreaterThanOrEqualTo("2031-03-06");
		}
	}

}

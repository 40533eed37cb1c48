package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trips are kept per tenant; another tenant's trip is indistinguishable from a missing
 * one.
 */
@LocalAppTest
class TripsTest {

	@LocalServerPort
	int port;

	Api api() {
		return new Api(this.port);
	}

	String auth(String client) {
		return Api.bearer(api().token(client));
	}

	JsonNode create(String client, String name) {
		HttpResponse<String> response = api().postJson("/api/trips", """
				{"name":"%s","destination":"Reykjavik","startDate":"2030-03-01","endDate":"2030-03-08"}
				""".formatted(name), "Authorization", auth(client));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return Api.json(response);
	}

	@Test
	void createAnswers201WithTheTripAndItsLocation() {
		HttpResponse<String> response = api().postJson("/api/trips", """
				{"name":"Northern lights","destination":"Tromsø","startDate":"2030-01-10","endDate":"2030-01-10"}
				""", "Authorization", auth("acme-client"));

		assertThat(response.statusCode()).isEqualTo(201);
		JsonNode trip = Api.json(response);
		String id = trip.path("id").asString();
		assertThat(UUID.fromString(id).toString()).isEqualTo(id);
		assertThat(trip.path("name").asString()).isEqualTo("Northern lights");
		assertThat(trip.path("destination").asString()).isEqualTo("Tromsø");
		assertThat(trip.path("startDate").asString()).isEqualTo("2030-01-10");
		assertThat(trip.path("endDate").asString()).isEqualTo("2030-01-10");
		assertThat(trip.path("reference").asString()).matches("TRIP-[0-9A-HJKMNP-TV-Z]{8}");
		assertThat(trip.has("tenant")).isFalse();
		assertThat(trip.has("tenantId")).isFalse();
		assertThat(response.headers().firstValue("Location")).hasValue("/api/trips/" + id);

		HttpResponse<String> read = api().get("/api/trips/" + id, "Authorization", auth("acme-client"));
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(Api.json(read)).isEqualTo(trip);
	}

	@Test
	void aGivenReferenceIsKeptAndUniqueWithinTheTenant() {
		String reference = "REF-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
		String body = """
				{"reference":"%s","name":"Fjords","destination":"Bergen","startDate":"2030-04-01","endDate":"2030-04-05"}
				"""
			.formatted(reference);

		HttpResponse<String> first = api().postJson("/api/trips", body, "Authorization", auth("acme-client"));
		HttpResponse<String> second = api().postJson("/api/trips", body, "Authorization", auth("acme-client"));
		HttpResponse<String> otherTenant = api().postJson("/api/trips", body, "Authorization", auth("globex-client"));

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(Api.json(first).path("reference").asString()).isEqualTo(reference);
		assertThat(second.statusCode()).isEqualTo(409);
		assertThat(second.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.code(second)).isEqualTo("reference_taken");
		assertThat(otherTenant.statusCode()).isEqualTo(201);
	}

	@Test
	void generatedReferencesDiffer() {
		String first = create("acme-client", "Generated one").path("reference").asString();
		String second = create("acme-client", "Generated two").path("reference").asString();

		assertThat(first).startsWith("TRIP-").isNotEqualTo(second);
	}

	@Test
	void anotherTenantsTripIsByteIdenticalToAMissingOne() {
		String acmeTrip = create("acme-client", "Acme secret offsite").path("id").asString();

		HttpResponse<byte[]> foreign = api().getBytes("/api/trips/" + acmeTrip, "Authorization", auth("globex-client"));
		HttpResponse<byte[]> missing = api().getBytes("/api/trips/" + UUID.randomUUID(), "Authorization",
				auth("globex-client"));
		HttpResponse<byte[]> missingForOwner = api().getBytes("/api/trips/" + UUID.randomUUID(), "Authorization",
				auth("acme-client"));
		HttpResponse<byte[]> malformed = api().getBytes("/api/trips/not-a-uuid", "Authorization",
				auth("globex-client"));
		HttpResponse<byte[]> lenientForm = api().getBytes("/api/trips/1-1-1-1-1", "Authorization",
				auth("globex-client"));

		for (HttpResponse<byte[]> response : List.of(foreign, missing, missingForOwner, malformed, lenientForm)) {
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.body()).isEqualTo(missing.body());
		}
		assertThat(new String(foreign.body())).doesNotContain(acmeTrip).doesNotContain("Acme");
		assertThat(Api.json(new String(missing.body())).path("code").asString()).isEqualTo("not_found");
		// The owner still sees it.
		assertThat(api().get("/api/trips/" + acmeTrip, "Authorization", auth("acme-client")).statusCode())
			.isEqualTo(200);
	}

	@Test
	void listsHoldOnlyTheTenantsOwnTrips() {
		String acmeTrip = create("acme-client", "Acme listed").path("id").asString();
		String globexTrip = create("globex-client", "Globex listed").path("id").asString();

		List<String> acmeIds = TripPages.ids(api(), "Authorization", auth("acme-client"));
		List<String> globexIds = TripPages.ids(api(), "Authorization", auth("globex-client"));

		assertThat(acmeIds).contains(acmeTrip).doesNotContain(globexTrip);
		assertThat(globexIds).contains(globexTrip).doesNotContain(acmeTrip);
		assertThat(acmeIds).doesNotContainAnyElementsOf(globexIds);
	}

	@Test
	void headerNamingTheOwnTenantStillSeesOnlyOwnTrips() {
		String globexTrip = create("globex-client", "Globex only").path("id").asString();

		List<String> acmeIds = TripPages.ids(api(), "Authorization", auth("acme-client"), "X-Client-ID", "acme");

		assertThat(acmeIds).doesNotContain(globexTrip);
	}

	static Stream<Arguments> invalidBodies() {
		String longName = "x".repeat(101);
		return Stream.of(Arguments.of("missing name", """
				{"destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""", "name"),
				Arguments.of("blank name", """
						{"name":"   ","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""", "name"),
				Arguments.of("name too long",
						"""
								{"name":"%s","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}"""
							.formatted(longName),
						"name"),
				Arguments.of("name with a control character", """
						{"name":"a\\u0007b","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""",
						"name"),
				Arguments.of("missing destination", """
						{"name":"Trip","startDate":"2030-01-01","endDate":"2030-01-02"}""", "destination"),
				Arguments.of("destination too long",
						"""
								{"name":"Trip","destination":"%s","startDate":"2030-01-01","endDate":"2030-01-02"}"""
							.formatted(longName),
						"destination"),
				Arguments.of("missing startDate", """
						{"name":"Trip","destination":"Rome","endDate":"2030-01-02"}""", "startDate"),
				Arguments.of("empty reference",
						"""
								{"reference":"","name":"Trip","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""",
						"reference"),
				Arguments.of("reference with a space",
						"""
								{"reference":"A B","name":"Trip","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""",
						"reference"),
				Arguments.of("reference too long",
						"""
								{"reference":"%s","name":"Trip","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}"""
							.formatted("R".repeat(41)),
						"reference"),
				Arguments.of("reference starting with a dash",
						"""
								{"reference":"-x","name":"Trip","destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""",
						"reference"),
				Arguments.of("missing endDate", """
						{"name":"Trip","destination":"Rome","startDate":"2030-01-02"}""", "endDate"),
				Arguments.of("endDate before startDate", """
						{"name":"Trip","destination":"Rome","startDate":"2030-01-02","endDate":"2030-01-01"}""",
						"endDate"),
				Arguments.of("impossible date", """
						{"name":"Trip","destination":"Rome","startDate":"2030-02-30","endDate":"2030-03-01"}""", null),
				Arguments.of("date in another format", """
						{"name":"Trip","destination":"Rome","startDate":"01/02/2030","endDate":"2030-03-01"}""", null),
				Arguments.of("name is not a string", """
						{"name":{"$gt":""},"destination":"Rome","startDate":"2030-01-01","endDate":"2030-01-02"}""",
						null),
				Arguments.of("malformed JSON", "{\"name\":\"<script>alert(1)</script>\",", null),
				Arguments.of("empty body", "", null), Arguments.of("JSON array", "[]", null),
				Arguments.of("JSON null", "null", null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidBodies")
	void invalidBodiesAre400ProblemsThatDoNotEchoInput(String name, String body, String field) {
		HttpResponse<String> response = api().postJson("/api/trips", body, "Authorization", auth("acme-client"));

		assertThat(response.statusCode()).as("%s: %s", name, response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = Api.json(response);
		assertThat(problem.path("code").asString()).isEqualTo("invalid_request");
		assertThat(problem.path("status").asInt()).isEqualTo(400);
		if (field != null) {
			List<String> fields = new ArrayList<>();
			problem.path("violations").forEach((error) -> fields.add(error.path("path").asString()));
			assertThat(fields).contains(field);
		}
		assertThat(response.body()).doesNotContain("<script>")
			.doesNotContain("xxxxxxxxxx")
			.doesNotContain("$gt")
			.doesNotContain("01/02/2030")
			.doesNotContain("2030-02-30")
			.doesNotContain("Exception")
			.doesNotContain("tools.jackson");
	}

	@Test
	void otherMediaTypesAre415Problems() {
		HttpResponse<String> response = api().post("/api/trips", "text/plain", "Trip to Rome", "Authorization",
				auth("acme-client"));

		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(Api.code(response)).isEqualTo("unsupported_media_type");
		assertThat(response.body()).doesNotContain("text/plain");
	}

	@Test
	void unknownApiPathIsA404ProblemWithoutThePath() {
		HttpResponse<String> response = api().get("/api/nothing-here-xyz", "Authorization", auth("acme-client"));

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(Api.code(response)).isEqualTo("not_found");
		assertThat(response.body()).doesNotContain("nothing-here-xyz");
	}

}

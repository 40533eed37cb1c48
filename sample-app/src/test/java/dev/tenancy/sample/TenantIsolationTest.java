package dev.tenancy.sample;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No request acts for a tenant its token does not grant, whatever the headers say.
 */
@LocalAppTest
class TenantIsolationTest {

	@LocalServerPort
	int port;

	Api api() {
		return new Api(this.port);
	}

	@Test
	void acmeTokenActsForAcme() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("acme-client")));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("id").asString()).isEqualTo("acme");
		assertThat(Api.json(response).path("name").asString()).isEqualTo("Acme Travel");
		assertThat(Api.json(response).path("status").asString()).isEqualTo("ACTIVE");
	}

	@Test
	void globexTokenActsForGlobex() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("globex-client")));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("id").asString()).isEqualTo("globex");
		assertThat(Api.json(response).path("name").asString()).isEqualTo("Globex Journeys");
	}

	@Test
	void acmeTokenWithGlobexHeaderIsMismatch() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("acme-client")), "X-Client-ID", "globex");

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.code(response)).isEqualTo("tenant_mismatch");
		assertThat(response.body()).doesNotContain("Globex");
	}

	@Test
	void acmeTokenWithAcmeHeaderIsAcme() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("acme-client")), "X-Client-ID", "acme");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("id").asString()).isEqualTo("acme");
	}

	@Test
	void acmeTokenWithAcmeTenantIdHeaderIsAcme() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("acme-client")), "X-Tenant-ID", "acme");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("id").asString()).isEqualTo("acme");
	}

	@Test
	void headerWithoutTokenIsUnauthorized() {
		HttpResponse<String> response = api().get("/api/tenant", "X-Client-ID", "acme");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(Api.code(response)).isEqualTo("unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("Bearer"));
	}

	@Test
	void noTokenAtAllIsUnauthorized() {
		HttpResponse<String> response = api().get("/api/trips");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(Api.code(response)).isEqualTo("unauthorized");
	}

	@Test
	void suspendedTenantIsRefused() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("initech-client")));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Api.code(response)).isEqualTo("tenant_suspended");
		assertThat(response.body()).doesNotContain("Initech");
	}

	@Test
	void suspendedTenantCannotReachTrips() {
		HttpResponse<String> response = api().get("/api/trips", "Authorization",
				Api.bearer(api().token("initech-client")));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Api.code(response)).isEqualTo("tenant_suspended");
	}

	@Test
	void tokenWithoutTenantNeedsOne() {
		HttpResponse<String> response = api().get("/api/trips", "Authorization", Api.bearer(api().token("ops-client")));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(Api.code(response)).isEqualTo("tenant_required");
	}

	@Test
	void tokenWithoutTenantCannotPickOneByHeader() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization", Api.bearer(api().token("ops-client")),
				"X-Client-ID", "acme");

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).doesNotContain("Acme Travel");
	}

	static final String INVALID = "400 tenant_invalid";

	static final String MISMATCH = "403 tenant_mismatch";

	/**
	 * Tomcat refuses a header section over 8 KB itself, before the application sees it.
	 */
	static final String ANY_400 = "400";

	static Stream<Arguments> hostileHeaders() {
		String tenKb = "a".repeat(10 * 1024);
		return Stream.of(Arguments.of("same header twice", lines("X-Client-ID: acme", "X-Client-ID: acme"), INVALID),
				Arguments.of("same header twice, two tenants", lines("X-Client-ID: acme", "X-Client-ID: globex"),
						INVALID),
				Arguments.of("comma list", lines("X-Client-ID: acme,globex"), INVALID),
				Arguments.of("comma list, other first", lines("X-Client-ID: globex,acme"), INVALID),
				Arguments.of("comma list with space", lines("X-Client-ID: acme, globex"), INVALID),
				// HTTP strips the spaces (RFC 9110 5.5), leaving a tenant the token does
				// not grant.
				Arguments.of("padded other tenant", lines("X-Client-ID:  globex  "), MISMATCH),
				Arguments.of("upper case", lines("X-Client-ID: ACME"), INVALID),
				Arguments.of("mixed case", lines("X-Client-ID: Acme"), INVALID),
				Arguments.of("upper case other tenant", lines("X-Client-ID: GLOBEX"), INVALID),
				Arguments.of("10 KB value", lines("X-Client-ID: " + tenKb), ANY_400),
				Arguments.of("10 KB value starting with the tenant", lines("X-Client-ID: acme" + tenKb), ANY_400),
				Arguments.of("64 characters", lines("X-Client-ID: " + "a".repeat(64)), INVALID),
				Arguments.of("non-ASCII, UTF-8", encoded("X-Client-ID: acmé\r\n", StandardCharsets.UTF_8), INVALID),
				Arguments.of("non-ASCII, Latin-1", encoded("X-Client-ID: acmé\r\n", StandardCharsets.ISO_8859_1),
						INVALID),
				Arguments.of("homoglyph (Cyrillic a)", encoded("X-Client-ID: \u0430cme\r\n", StandardCharsets.UTF_8),
						INVALID),
				Arguments.of("no-break space padding",
						encoded("X-Client-ID: acme\u00a0\r\n", StandardCharsets.ISO_8859_1), INVALID),
				Arguments.of("percent-encoded", lines("X-Client-ID: %61cme"), INVALID),
				Arguments.of("empty value", lines("X-Client-ID: "), INVALID),
				Arguments.of("path-like", lines("X-Client-ID: ../globex"), INVALID),
				Arguments.of("parameter suffix", lines("X-Client-ID: acme;tenant=globex"), INVALID),
				Arguments.of("both headers, different tenants", lines("X-Client-ID: acme", "X-Tenant-ID: globex"),
						MISMATCH),
				Arguments.of("both headers, other tenant first", lines("X-Tenant-ID: globex", "X-Client-ID: acme"),
						MISMATCH),
				Arguments.of("alias header only, other tenant", lines("X-Tenant-ID: globex"), MISMATCH),
				Arguments.of("suspended tenant", lines("X-Client-ID: initech"), MISMATCH),
				Arguments.of("unknown tenant", lines("X-Client-ID: hooli"), MISMATCH));
	}

	@Test
	void rawRequestsWithAGrantedHeaderWork() {
		// Control for the hostile cases below: the same raw request with a sound header
		// is a 200.
		byte[] block = concat(
				("Authorization: Bearer " + api().token("acme-client") + "\r\n").getBytes(StandardCharsets.US_ASCII),
				lines("X-Client-ID: acme", "X-Tenant-ID: acme"));

		Api.RawResponse response = api().rawGet("/api/tenant", block);

		assertThat(response.status()).as(response.head()).isEqualTo(200);
		assertThat(Api.json(response.body()).path("id").asString()).isEqualTo("acme");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileHeaders")
	void hostileHeadersNeverReachAnotherTenant(String name, byte[] headerLines, String expected) {
		byte[] block = concat(
				("Authorization: Bearer " + api().token("acme-client") + "\r\n").getBytes(StandardCharsets.US_ASCII),
				headerLines);

		Api.RawResponse response = api().rawGet("/api/tenant", block);

		String[] status = expected.split(" ");
		assertThat(response.status()).as("%s: %s", name, response.head()).isEqualTo(Integer.parseInt(status[0]));
		if (status.length > 1) {
			assertThat(response.head()).containsIgnoringCase("Content-Type: application/problem+json");
			assertThat(response.code()).as(name).isEqualTo(status[1]);
		}
		assertThat(response.body()).as(name).doesNotContain("Globex").doesNotContain("Acme Travel");
	}

	@Test
	void paddingThatHttpStripsLeavesTheTokensTenant() {
		// RFC 9110 5.5: leading and trailing spaces and tabs are not part of a field
		// value, so the
		// server sees "acme", which the token grants. Whatever happens, it is never
		// another tenant.
		byte[] block = concat(
				("Authorization: Bearer " + api().token("acme-client") + "\r\n").getBytes(StandardCharsets.US_ASCII),
				lines("X-Client-ID: \t acme \t"));

		Api.RawResponse response = api().rawGet("/api/tenant", block);

		if (response.status() == 200) {
			assertThat(Api.json(response.body()).path("id").asString()).isEqualTo("acme");
		}
		else {
			assertThat(response.status()).isIn(400, 403);
		}
	}

	@Test
	void hostileHeadersOnTripsNeverListAnotherTenantsTrips() {
		String globexTrip = api().postJson("/api/trips",
				"{\"name\":\"Globex offsite\",\"destination\":\"Lisbon\",\"startDate\":\"2030-05-01\",\"endDate\":\"2030-05-03\"}",
				"Authorization", Api.bearer(api().token("globex-client")))
			.body();
		assertThat(globexTrip).contains("Globex offsite");
		byte[] block = concat(
				("Authorization: Bearer " + api().token("acme-client") + "\r\n").getBytes(StandardCharsets.US_ASCII),
				lines("X-Client-ID: acme", "X-Client-ID: globex"));

		Api.RawResponse response = api().rawGet("/api/trips", block);

		assertThat(response.status()).isIn(400, 403);
		assertThat(response.body()).doesNotContain("Globex offsite");
	}

	private static byte[] lines(String... lines) {
		StringBuilder block = new StringBuilder();
		for (String line : lines) {
			block.append(line).append("\r\n");
		}
		return block.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] encoded(String text, Charset charset) {
		return text.getBytes(charset);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(a);
		out.writeBytes(b);
		return out.toByteArray();
	}

}

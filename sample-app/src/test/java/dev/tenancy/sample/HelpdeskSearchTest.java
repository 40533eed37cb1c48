package dev.tenancy.sample;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Knowledge-base search is per tenant: acme and globex are seeded with articles on the
 * same topics, and no query, however crafted, returns the other tenant's article or
 * reveals it through the number of hits, their ranks or an error; the cached answers of
 * one tenant are never served to the other.
 */
@LocalAppTest
class HelpdeskSearchTest {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	Api api() {
		return new Api(this.port);
	}

	/**
	 * A user of the client's tenant of their own: the helpdesk costs 5 of the per-user
	 * limit (100 a minute), so each search is someone else.
	 */
	String user(String client) {
		return Api.bearer(
				LocalTokens.forTenant(this.context, client.replace("-client", ""), "searcher-" + UUID.randomUUID()));
	}

	JsonNode search(String client, String query) {
		HttpResponse<String> response = api().get(
				"/api/helpdesk/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), "Authorization",
				user(client));
		assertThat(response.statusCode()).as("%s: %s", query, response.body()).isEqualTo(200);
		return Api.json(response).path("items");
	}

	static Set<String> articleIds(String tenant) throws SQLException {
		return Set.copyOf(InboundEmailTest
			.ownerStrings("select id::text from travel.helpdesk_article where tenant_id = '" + tenant + "'"));
	}

	@Test
	void bothTenantsFindTheirOwnArticleOnTheSameTopic() throws SQLException {
		JsonNode acme = search("acme-client", "baggage allowance");
		JsonNode globex = search("globex-client", "baggage allowance");

		assertThat(acme).isNotEmpty();
		assertThat(globex).isNotEmpty();
		assertThat(acme.get(0).path("title").asString()).isEqualTo("Baggage allowance");
		assertThat(acme.get(0).path("excerpt").asString()).contains("Acme");
		assertThat(globex.get(0).path("excerpt").asString()).contains("Globex");
		assertThat(ids(acme)).allMatch(articleIds("acme")::contains);
		assertThat(ids(globex)).allMatch(articleIds("globex")::contains);
	}

	@Test
	void noCraftedQueryReachesTheOtherTenant() throws SQLException {
		Set<String> acmeArticles = articleIds("acme");
		List<String> queries = List.of("Globex", "globex premium members priority", "\"Globex Journeys\"",
				"baggage or globex", "-acme", "-acme baggage", "' or 1=1 --",
				"'; select * from travel.helpdesk_article --", "globex:*", "globex & acme", "!!!", "a <-> b",
				"tenant_id", "globex | premium", "*", "\\", "\u65e5\u672c\u8a9e", "x".repeat(200), "or or or", "\"\"",
				"premium:A", "(globex)");
		for (String query : queries) {
			JsonNode hits = search("acme-client", query);
			assertThat(ids(hits)).as(query).allMatch(acmeArticles::contains);
			for (JsonNode hit : hits) {
				assertThat(hit.path("excerpt").asString()).as(query).doesNotContainIgnoringCase("globex");
			}
		}
		assertThat(search("acme-client", "Globex")).isEmpty();
		assertThat(search("acme-client", "premium")).isEmpty();
	}

	@Test
	void anotherTenantsArticlesChangeNeitherHitsNorRanksNorCounts() {
		String admin = Api.bearer(LocalTokens.admin(this.context, "kb-admin"));
		String word = "zeppelin" + UUID.randomUUID().toString().substring(0, 6).replace("-", "");
		HttpResponse<String> acmeArticle = api().postJson("/admin/tenants/acme/helpdesk/articles",
				"{\"title\":\"Airship " + word + "\",\"body\":\"Boarding the " + word + " at the tower.\"}",
				"Authorization", admin);
		assertThat(acmeArticle.statusCode()).as(acmeArticle.body()).isEqualTo(201);
		JsonNode before = search("acme-client", word + " boarding");

		for (int i = 0; i < 5; i++) {
			HttpResponse<String> globexArticle = api()
				.postJson(
						"/admin/tenants/globex/helpdesk/articles", "{\"title\":\"" + word + " " + word
								+ "\",\"body\":\"" + (word + " boarding tower ").repeat(5) + "\"}",
						"Authorization", admin);
			assertThat(globexArticle.statusCode()).isEqualTo(201);
		}
		// the same query in other words (another cache key): the same hits, ranks and
		// count
		JsonNode after = search("acme-client", word.toUpperCase() + " Boarding");

		assertThat(before).hasSize(1);
		assertThat(after).isEqualTo(before);
		assertThat(search("globex-client", word + " boarding")).hasSize(5);
	}

	@Test
	void theSameQueryOfTwoTenantsIsCachedApart() throws SQLException {
		String query = "refunds card " + UUID.randomUUID().toString().substring(0, 4);
		// first acme (cached), then globex with the very same query string
		JsonNode acme = search("acme-client", "refunds card");
		JsonNode globex = search("globex-client", "refunds card");
		JsonNode acmeAgain = search("acme-client", "refunds card");

		assertThat(ids(acme)).isNotEmpty().allMatch(articleIds("acme")::contains);
		assertThat(ids(globex)).isNotEmpty().allMatch(articleIds("globex")::contains);
		assertThat(acmeAgain).isEqualTo(acme);
		assertThat(query).isNotBlank();
	}

	@Test
	void anArticleChangeIsSearchableAtOnceAndOnlyByItsTenant() {
		String admin = Api.bearer(LocalTokens.admin(this.context, "kb-admin"));
		String word = "gondola" + UUID.randomUUID().toString().substring(0, 6).replace("-", "");
		assertThat(search("acme-client", word)).isEmpty();

		HttpResponse<String> created = api().postJson("/admin/tenants/acme/helpdesk/articles",
				"{\"title\":\"Lift\",\"body\":\"The " + word + " runs daily.\"}", "Authorization", admin);
		String location = created.headers().firstValue("Location").orElseThrow();

		assertThat(search("acme-client", word)).hasSize(1);
		assertThat(search("globex-client", word)).isEmpty();

		HttpResponse<String> renamed = api().put(location,
				"{\"title\":\"Lift\",\"body\":\"The cable car runs daily.\"}", "Authorization", admin);
		assertThat(renamed.statusCode()).isEqualTo(200);
		assertThat(search("acme-client", word)).isEmpty();

		assertThat(api().get(location, "Authorization", admin).statusCode()).isEqualTo(200);
		String foreign = location.replace("/acme/", "/globex/");
		assertThat(api().get(foreign, "Authorization", admin).statusCode()).isEqualTo(404);
		assertThat(api()
			.postJson("/admin/tenants/acme/helpdesk/articles", "{\"title\":\"x\",\"body\":\"y\"}", "Authorization",
					Api.bearer(api().token("acme-client")))
			.statusCode()).isEqualTo(403);
		assertThat(api().postJson("/admin/tenants/acme/helpdesk/articles", "{\"title\":\"x\",\"body\":\"y\"}")
			.statusCode()).isEqualTo(401);
	}

	@Test
	void invalidQueriesAreRefusedWithoutEcho() {
		for (String q : List.of("", "%20", "x".repeat(201))) {
			HttpResponse<String> response = api().get("/api/helpdesk/search?q=" + q, "Authorization",
					user("acme-client"));
			assertThat(response.statusCode()).as(q).isEqualTo(400);
			assertThat(Api.code(response)).isEqualTo("invalid_request");
		}
	}

	static List<String> ids(JsonNode hits) {
		List<String> ids = new ArrayList<>();
		hits.forEach((hit) -> ids.add(hit.path("id").asString()));
		return ids;
	}

}

package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tickets are kept in PostgreSQL per tenant: created with a {@code Location} that answers
 * its owner only, paged, their status changed, processed asynchronously.
 */
@LocalAppTest
class HelpdeskTicketsTest {

	@LocalServerPort
	int port;

	Api api() {
		return new Api(this.port);
	}

	@Autowired
	ApplicationContext context;

	/**
	 * A user of the client's tenant of their own: the helpdesk costs 5 of the per-user
	 * limit (100 a minute), so each request is someone else.
	 */
	String auth(String client) {
		return Api.bearer(LocalTokens.forTenant(this.context, client.replace("-client", ""),
				"helpdesk-user-" + UUID.randomUUID()));
	}

	HttpResponse<String> open(String client, String subject) {
		HttpResponse<String> response = api().postJson("/api/helpdesk/tickets",
				"{\"subject\":\"" + subject + "\",\"message\":\"Please help\"}", "Authorization", auth(client));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return response;
	}

	@Test
	void theLocationOfATicketAnswersItsOwnerAndIsA404ForEveryoneElse() {
		HttpResponse<String> created = open("acme-client", "Where is my booking?");
		String location = created.headers().firstValue("Location").orElseThrow();
		String id = Api.json(created).path("id").asString();

		assertThat(location).isEqualTo("/api/helpdesk/tickets/" + id);
		HttpResponse<String> owner = api().get(location, "Authorization", auth("acme-client"));
		assertThat(owner.statusCode()).isEqualTo(200);
		assertThat(Api.json(owner).path("ticket").path("subject").asString()).isEqualTo("Where is my booking?");

		HttpResponse<String> foreign = api().get(location, "Authorization", auth("globex-client"));
		HttpResponse<String> missing = api().get("/api/helpdesk/tickets/HD-ZZZZZZZZ", "Authorization",
				auth("globex-client"));
		HttpResponse<String> malformed = api().get("/api/helpdesk/tickets/nope", "Authorization",
				auth("globex-client"));
		for (HttpResponse<String> response : List.of(foreign, missing, malformed)) {
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(response.body()).isEqualTo(missing.body());
		}
		assertThat(api().put(location + "/status", "{\"status\":\"CLOSED\"}", "Authorization", auth("globex-client"))
			.statusCode()).isEqualTo(404);
		assertThat(api().get(location).statusCode()).isEqualTo(401);
	}

	@Test
	void ticketsArePagedNewestFirstWithinTheTenant() {
		List<String> opened = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			opened.add(0, Api.json(open("globex-client", "Paged " + i)).path("id").asString());
		}
		String acme = Api.json(open("acme-client", "Not globex's")).path("id").asString();

		List<String> seen = new ArrayList<>();
		String after = null;
		do {
			HttpResponse<String> page = api().get(
					"/api/helpdesk/tickets?size=2" + ((after != null) ? "&after=" + after : ""), "Authorization",
					auth("globex-client"));
			assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
			JsonNode body = Api.json(page);
			assertThat(body.path("items").size()).isLessThanOrEqualTo(2);
			body.path("items").forEach((ticket) -> seen.add(ticket.path("id").asString()));
			after = body.path("next").isNull() ? null : body.path("next").asString();
		}
		while (after != null);

		assertThat(seen).doesNotContain(acme).doesNotHaveDuplicates();
		assertThat(seen.subList(0, 3)).isEqualTo(opened);
		assertThat(api().get("/api/helpdesk/tickets?after=bogus", "Authorization", auth("globex-client")).statusCode())
			.isEqualTo(400);
		assertThat(api().get("/api/helpdesk/tickets?size=0", "Authorization", auth("globex-client")).statusCode())
			.isEqualTo(400);
	}

	@Test
	void theStatusChangesAndOnlyToAKnownOne() {
		String location = open("acme-client", "Status").headers().firstValue("Location").orElseThrow();

		HttpResponse<String> resolved = api().put(location + "/status", "{\"status\":\"RESOLVED\"}", "Authorization",
				auth("acme-client"));
		HttpResponse<String> bogus = api().put(location + "/status", "{\"status\":\"DELETED\"}", "Authorization",
				auth("acme-client"));

		assertThat(resolved.statusCode()).isEqualTo(200);
		assertThat(Api.json(resolved).path("status").asString()).isEqualTo("RESOLVED");
		assertThat(bogus.statusCode()).isEqualTo(400);
		assertThat(bogus.body()).doesNotContain("DELETED");
	}

	@Test
	void aTicketIsClassifiedAndGivenSuggestionsAsynchronously() {
		String location = open("acme-client", "I want a refund for my cancelled booking").headers()
			.firstValue("Location")
			.orElseThrow();

		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			JsonNode ticket = Api.json(api().get(location, "Authorization", auth("acme-client")));
			assertThat(ticket.path("ticket").path("category").asString()).isEqualTo("refund");
			assertThat(ticket.path("suggestions")).isNotEmpty();
			ticket.path("suggestions")
				.forEach((suggestion) -> assertThat(suggestion.path("excerpt").asString()).contains("Acme"));
		});
	}

}

package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantSecretAdministration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound e-mail webhook: signed deliveries become tickets of the tenant that owns
 * the envelope recipient's domain, exactly once; every refusal looks the same.
 */
@LocalAppTest
class InboundEmailTest {

	static final String ACME_KEY = "acme-inbound-" + UUID.randomUUID();

	static final String GLOBEX_KEY = "globex-inbound-" + UUID.randomUUID();

	static final String INITECH_KEY = "initech-inbound-" + UUID.randomUUID();

	static final String ACME = "support@acme-travel.example";

	static final String GLOBEX = "help@globex-journeys.example";

	@LocalServerPort
	int port;

	@Autowired
	TenantSecretAdministration secrets;

	@BeforeEach
	void signingKeys() {
		TenantChange change = new TenantChange("inbound-email-test", null);
		this.secrets.put(TenantId.of("acme"), "inbound-email-signing-key", ACME_KEY, change);
		this.secrets.put(TenantId.of("globex"), "inbound-email-signing-key", GLOBEX_KEY, change);
		this.secrets.put(TenantId.of("initech"), "inbound-email-signing-key", INITECH_KEY, change);
	}

	Api api() {
		return new Api(this.port);
	}

	static String messageId() {
		return "<" + UUID.randomUUID() + "@mail.example>";
	}

	static String mail(String envelopeTo, String messageId) {
		return InboundMail.json(List.of(envelopeTo), envelopeTo, null, "Lost baggage", "My bag did not arrive",
				messageId, null);
	}

	@Test
	void aSignedDeliveryBecomesATicketOfTheRecipientsTenantOnly() {
		String id = messageId();
		HttpResponse<String> response = InboundMail.deliver(this.port, ACME_KEY, mail(ACME, id));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(Api.json(response).path("outcome").asString()).isEqualTo("created");
		String ticket = Api.json(response).path("ticket").asString();

		HttpResponse<String> owner = api().get("/api/helpdesk/tickets/" + ticket, "Authorization",
				Api.bearer(api().token("acme-client")));
		assertThat(owner.statusCode()).isEqualTo(200);
		JsonNode detail = Api.json(owner);
		assertThat(detail.path("ticket").path("source").asString()).isEqualTo("email");
		JsonNode message = detail.path("messages").get(0);
		assertThat(message.path("messageId").asString()).isEqualTo(id);
		assertThat(message.path("hasHtml").asBoolean()).isTrue();
		assertThat(owner.body()).doesNotContain("<script>").doesNotContain("onclick");
		assertThat(message.path("attachments").get(0).path("filename").asString()).isEqualTo("ticket.pdf");
		assertThat(message.path("attachments").get(0).path("size").asLong()).isEqualTo(1234);

		HttpResponse<String> other = api().get("/api/helpdesk/tickets/" + ticket, "Authorization",
				Api.bearer(api().token("globex-client")));
		HttpResponse<String> missing = api().get("/api/helpdesk/tickets/HD-00000000", "Authorization",
				Api.bearer(api().token("globex-client")));
		assertThat(other.statusCode()).isEqualTo(404);
		assertThat(other.body()).isEqualTo(missing.body());
	}

	@Test
	void everyRefusalIsTheSameAnswerAndStoresNothing() throws SQLException {
		long now = Instant.now().getEpochSecond();
		String unknown = "someone@nobody-owns-this.example";
		byte[] acmeBody = mail(ACME, messageId()).getBytes(StandardCharsets.UTF_8);
		String replayedId = messageId();
		byte[] replayBody = mail(ACME, replayedId).getBytes(StandardCharsets.UTF_8);
		String replaySignature = InboundMail.sign(ACME_KEY, now, replayBody);
		assertThat(InboundMail
			.post(this.port, "application/json", replayBody, "X-Tenancy-Timestamp", Long.toString(now),
					"X-Tenancy-Signature", replaySignature)
			.statusCode()).isEqualTo(200);
		long before = ownerCount("select count(*) from travel.helpdesk_message");

		Map<String, HttpResponse<String>> refusals = new java.util.LinkedHashMap<>();
		refusals.put("wrong key", InboundMail.deliver(this.port, GLOBEX_KEY, mail(ACME, messageId())));
		refusals.put("no signature",
				InboundMail.post(this.port, "application/json", acmeBody, "X-Tenancy-Timestamp", Long.toString(now)));
		refusals.put("no timestamp", InboundMail.post(this.port, "application/json", acmeBody, "X-Tenancy-Signature",
				InboundMail.sign(ACME_KEY, now, acmeBody)));
		refusals.put("malformed signature", InboundMail.post(this.port, "application/json", acmeBody,
				"X-Tenancy-Timestamp", Long.toString(now), "X-Tenancy-Signature", "v1=zz"));
		refusals.put("stale", InboundMail.deliverAt(this.port, ACME_KEY, mail(ACME, messageId()), now - 400));
		refusals.put("future", InboundMail.deliverAt(this.port, ACME_KEY, mail(ACME, messageId()), now + 400));
		refusals.put("unknown domain", InboundMail.deliver(this.port, ACME_KEY, mail(unknown, messageId())));
		refusals.put("suspended tenant",
				InboundMail.deliver(this.port, INITECH_KEY, mail("help@initech-trips.example", messageId())));
		refusals.put("two tenants in the envelope", InboundMail.deliver(this.port, ACME_KEY,
				InboundMail.json(List.of(ACME, GLOBEX), ACME, GLOBEX, "Both", "For both of you", messageId(), null)));
		refusals.put("a known and an unknown domain", InboundMail.deliver(this.port, ACME_KEY,
				InboundMail.json(List.of(ACME, unknown), ACME, null, "Both", "Text", messageId(), null)));
		refusals.put("body changed after signing",
				InboundMail.post(this.port, "application/json",
						mail(ACME, messageId()).getBytes(StandardCharsets.UTF_8), "X-Tenancy-Timestamp",
						Long.toString(now), "X-Tenancy-Signature", InboundMail.sign(ACME_KEY, now, acmeBody)));
		refusals.put("replay", InboundMail.post(this.port, "application/json", replayBody, "X-Tenancy-Timestamp",
				Long.toString(now), "X-Tenancy-Signature", replaySignature));
		refusals.put("tenant header",
				InboundMail.post(this.port, "application/json",
						mail(unknown, messageId()).getBytes(StandardCharsets.UTF_8), "X-Tenant-ID", "acme",
						"X-Client-ID", "acme", "X-Tenancy-Timestamp", Long.toString(now), "X-Tenancy-Signature",
						InboundMail.sign(ACME_KEY, now, mail(unknown, messageId()).getBytes(StandardCharsets.UTF_8))));

		HttpResponse<String> first = refusals.get("wrong key");
		refusals.forEach((reason, response) -> {
			assertThat(response.statusCode()).as(reason).isEqualTo(401);
			assertThat(response.body()).as(reason).isEqualTo(first.body());
			assertThat(response.headers().firstValue("Content-Type")).as(reason)
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		});
		assertThat(Api.code(first)).isEqualTo("unauthorized");
		assertThat(ownerCount("select count(*) from travel.helpdesk_message")).as("nothing stored").isEqualTo(before);
	}

	@Test
	void theTenantComesFromTheEnvelopeNeverFromAHeaderNorFromToOrCc() throws SQLException {
		String id = messageId();
		// To and Cc name globex; the envelope (what the provider received for) names
		// acme.
		String json = InboundMail.json(List.of(ACME), GLOBEX, GLOBEX, "Cc'd", "Hello", id, null);
		long now = Instant.now().getEpochSecond();
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> response = InboundMail.post(this.port, "application/json", body, "X-Tenant-ID", "globex",
				"Authorization", Api.bearer(api().token("globex-client")), "X-Tenancy-Timestamp", Long.toString(now),
				"X-Tenancy-Signature", InboundMail.sign(ACME_KEY, now, body));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(ownerStrings("select tenant_id from travel.helpdesk_message where message_id = '" + id + "'"))
			.containsExactly("acme");
	}

	@Test
	void aRetriedDeliveryCreatesNothingAndAReplyJoinsItsTicket() throws SQLException {
		String id = messageId();
		long now = Instant.now().getEpochSecond();
		HttpResponse<String> first = InboundMail.deliverAt(this.port, ACME_KEY, mail(ACME, id), now);
		HttpResponse<String> retry = InboundMail.deliverAt(this.port, ACME_KEY, mail(ACME, id), now + 1);
		String reply = messageId();
		HttpResponse<String> answer = InboundMail.deliver(this.port, ACME_KEY,
				InboundMail.json(List.of(ACME), ACME, null, "Re: Lost baggage", "Still missing", reply, id));
		// The same Message-ID for another tenant is another message.
		HttpResponse<String> globex = InboundMail.deliver(this.port, GLOBEX_KEY, mail(GLOBEX, id));

		String ticket = Api.json(first).path("ticket").asString();
		assertThat(Api.json(first).path("outcome").asString()).isEqualTo("created");
		assertThat(retry.statusCode()).isEqualTo(200);
		assertThat(Api.json(retry).path("outcome").asString()).isEqualTo("duplicate");
		assertThat(Api.json(retry).path("ticket").asString()).isEqualTo(ticket);
		assertThat(Api.json(answer).path("outcome").asString()).isEqualTo("appended");
		assertThat(Api.json(answer).path("ticket").asString()).isEqualTo(ticket);
		assertThat(Api.json(globex).path("outcome").asString()).isEqualTo("created");
		assertThat(Api.json(globex).path("ticket").asString()).isNotEqualTo(ticket);
		assertThat(ownerCount("select count(*) from travel.helpdesk_message where tenant_id = 'acme' and ticket_id = '"
				+ ticket + "'"))
			.isEqualTo(2);
		assertThat(ownerCount(
				"select count(*) from travel.helpdesk_ticket where tenant_id = 'acme' and id = '" + ticket + "'"))
			.isEqualTo(1);
	}

	@Test
	void concurrentDuplicatesMakeExactlyOneTicket() throws Exception {
		String id = messageId();
		int deliveries = 8;
		long now = Instant.now().getEpochSecond();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(deliveries);
		List<Future<HttpResponse<String>>> results = new ArrayList<>();
		try {
			for (int i = 0; i < deliveries; i++) {
				// each a provider retry: its own timestamp, so its own signature
				long timestamp = now - i;
				results.add(pool.submit(() -> {
					start.await();
					return InboundMail.deliverAt(this.port, ACME_KEY, mail(ACME, id), timestamp);
				}));
			}
			start.countDown();
			Map<String, Integer> outcomes = new ConcurrentHashMap<>();
			List<String> tickets = new ArrayList<>();
			for (Future<HttpResponse<String>> result : results) {
				HttpResponse<String> response = result.get();
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				outcomes.merge(Api.json(response).path("outcome").asString(), 1, Integer::sum);
				tickets.add(Api.json(response).path("ticket").asString());
			}
			assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("created", 1, "duplicate", deliveries - 1));
			assertThat(tickets).containsOnly(tickets.get(0));
			assertThat(ownerCount("select count(*) from travel.helpdesk_message where message_id = '" + id + "'"))
				.isEqualTo(1);
			assertThat(ownerCount("select count(*) from travel.helpdesk_ticket where tenant_id = 'acme' and id = '"
					+ tickets.get(0) + "'"))
				.isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aMultipartDeliveryKeepsAttachmentMetadataOnly() throws SQLException {
		String id = messageId();
		String boundary = "xYzZY";
		String secretContent = "ATTACHMENT-CONTENT-" + UUID.randomUUID();
		String body = ("--%1$s\r\nContent-Disposition: form-data; name=\"envelope\"\r\n\r\n{\"to\":[\"%2$s\"],\"from\":\"a@b.example\"}\r\n"
				+ "--%1$s\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nRefund please\r\n"
				+ "--%1$s\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nI want a refund\r\n"
				+ "--%1$s\r\nContent-Disposition: form-data; name=\"headers\"\r\n\r\nMessage-ID: %3$s\r\nSubject: Refund please\r\n"
				+ "--%1$s\r\nContent-Disposition: form-data; name=\"attachment1\"; filename=\"receipt.txt\"\r\n"
				+ "Content-Type: text/plain\r\n\r\n%4$s\r\n--%1$s--\r\n")
			.formatted(boundary, ACME, id, secretContent);
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		long now = Instant.now().getEpochSecond();

		HttpResponse<String> response = InboundMail.post(this.port, "multipart/form-data; boundary=" + boundary, bytes,
				"X-Tenancy-Timestamp", Long.toString(now), "X-Tenancy-Signature",
				InboundMail.sign(ACME_KEY, now, bytes));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(
				ownerStrings("select attachments::text from travel.helpdesk_message where message_id = '" + id + "'"))
			.singleElement()
			.satisfies((attachments) -> assertThat(attachments).contains("receipt.txt")
				.contains("text/plain")
				.doesNotContain(secretContent));
		assertThat(ownerCount("select count(*) from travel.helpdesk_message where body_text like '%" + secretContent
				+ "%' or body_html like '%" + secretContent + "%'"))
			.isZero();
	}

	@Test
	void tooLargeAndMalformedBodiesAreRefusedWithProblems() {
		String huge = "x".repeat(600 * 1024);
		String json = InboundMail.json(List.of(ACME), ACME, null, "Big", huge, messageId(), null);
		HttpResponse<String> tooLarge = InboundMail.deliver(this.port, ACME_KEY, json);
		HttpResponse<String> notJson = InboundMail.deliver(this.port, ACME_KEY, "{not json");
		HttpResponse<String> noEnvelope = InboundMail.deliver(this.port, ACME_KEY, "{\"subject\":\"x\"}");
		HttpResponse<String> text = InboundMail.post(this.port, "text/plain", "hello".getBytes(StandardCharsets.UTF_8));

		assertThat(tooLarge.statusCode()).isEqualTo(413);
		assertThat(Api.code(tooLarge)).isEqualTo("payload_too_large");
		assertThat(notJson.statusCode()).isEqualTo(400);
		assertThat(noEnvelope.statusCode()).isEqualTo(400);
		assertThat(text.statusCode()).isEqualTo(415);
		for (HttpResponse<String> response : List.of(tooLarge, notJson, noEnvelope, text)) {
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		}
	}

	static long ownerCount(String sql) throws SQLException {
		return Long.parseLong(ownerStrings(sql).get(0));
	}

	static List<String> ownerStrings(String sql) throws SQLException {
		try (Connection connection = TestDatabase.connectAsOwner();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

}

package dev.tenancy.test.isolation;

import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.test.isolation.HttpTransport.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint probe against a small fake HTTP API over {@link InMemoryNotes}, which
 * answers a missing note with a problem carrying the path and a fresh request id (so the
 * probe must mask the id and drop the request id to compare).
 */
class EndpointProbeTest {

	final InMemoryNotes notes = new InMemoryNotes();

	boolean forbiddenForOthers;

	final HttpTransport api = (method, path, tenant, body) -> TenantContext.supply(TenantId.of(tenant),
			() -> handle(method, path, body));

	Response handle(String method, String path, String body) {
		if (path.equals("/notes") && method.equals("POST")) {
			UUID id = this.notes.create(body);
			return new Response(201, "{\"id\":\"" + id + "\",\"text\":" + body + "}", "/notes/" + id);
		}
		if (path.equals("/notes") && method.equals("GET")) {
			return new Response(200,
					this.notes.ids()
						.stream()
						.map((id) -> "\"" + id + "\"")
						.collect(Collectors.joining(",", "{\"ids\":[", "]}")),
					null);
		}
		UUID id = UUID.fromString(path.substring("/notes/".length()));
		if (this.forbiddenForOthers && this.notes.notes.containsKey(id) && this.notes.find(id).isEmpty()) {
			return new Response(403, "{\"code\":\"forbidden\"}", null);
		}
		Optional<InMemoryNotes.Note> note = this.notes.find(id);
		if (note.isEmpty()) {
			return new Response(404, "{\"code\":\"not_found\",\"instance\":\"" + path + "\",\"requestId\":\""
					+ UUID.randomUUID() + "\"}", null);
		}
		return switch (method) {
			case "GET" -> new Response(200, "{\"id\":\"" + id + "\",\"text\":\"" + note.get().text() + "\"}", null);
			case "DELETE" -> new Response((this.notes.delete(id) == 1) ? 204 : 404, "", null);
			default -> new Response(405, "", null);
		};
	}

	EndpointProbe probe() {
		return EndpointProbe.at("/notes", this.api).create("\"probe note\"").marker("probe note").delete();
	}

	@Test
	void anIsolatedEndpointPassesWithMaskedIdsAndRequestIds() {
		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.isolated()).as(report.toString()).isTrue();
		assertThat(report.probed()).containsExactly("endpoint /notes");
		assertThat(report.findings()).extracting(IsolationReport.Finding::operation)
			.containsExactly("read", "list", "delete", "delete effect");
		assertThat(report.findings().get(0).detail()).contains("answered 404, as for a missing id");
	}

	@Test
	void aForbiddenInsteadOfNotFoundRevealsTheId() {
		this.forbiddenForOthers = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).containsExactly("read", "delete");
		assertThat(report.leaks().get(0).detail())
			.contains("answered 403 for the owner's id but 404 for a missing one");
	}

	@Test
	void aReadWithoutTheTenantConditionShowsTheOwnersNote() {
		this.notes.readIgnoresTenant = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).contains("read");
		assertThat(report.leaks().get(0).detail()).contains("succeeded on the owner's resource").contains("probe note");
	}

	@Test
	void aListingThatShowsOtherTenantsIsALeak() {
		this.notes.listIgnoresTenant = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).containsExactly("list");
	}

	@Test
	void aFailedCreationProvesNothingAndFails() {
		HttpTransport refusing = (method, path, tenant, body) -> new Response(400, "{\"code\":\"invalid\"}", null);

		IsolationReport report = IsolationProbe.between("acme", "globex")
			.probe(EndpointProbe.at("/notes", refusing).create("{}"))
			.run();

		assertThat(report.leaks()).singleElement()
			.satisfies((leak) -> assertThat(leak.operation()).isEqualTo("create"));
	}

	@Test
	void theIdComesFromTheLocationWhenTheBodyHasNone() {
		assertThat(EndpointProbe.defaultId(new Response(201, "", "/api/trips/42"))).isEqualTo("42");
		assertThat(EndpointProbe.defaultId(new Response(201, "{\"id\":7}", null))).isEqualTo("7");
		assertThat(EndpointProbe.defaultId(new Response(201, "not json", null))).isNull();
	}

}

package dev.tenancy.test.isolation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.tenancy.test.isolation.HttpTransport.Response;

/**
 * Probes an HTTP resource: the owner creates it ({@code POST} to the collection), then
 * the intruder reads it, lists and searches the collection, updates and deletes it. Read,
 * update and delete must answer the intruder exactly as for an id that does not exist
 * (same status, same body once the id is masked and volatile members such as
 * {@code requestId} are dropped), and must leave the owner's resource as it was; lists
 * and searches must not show the id or the {@linkplain #marker marker}. <pre>
 * EndpointProbe.at("/api/trips", MockMvcTransport.of(mvc))
 *     .create("{\"name\":\"Probe trip\", ...}")
 *     .marker("Probe trip")
 *     .update("PUT", "{\"name\":\"Hijacked\", ...}")
 *     .delete();
 * </pre>
 */
public final class EndpointProbe implements Probe {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String MASK = "{id}";

	private final String collection;

	private final HttpTransport transport;

	private String name;

	private String createBody;

	private String itemTemplate;

	private String listPath;

	private String searchTemplate;

	private String marker;

	private String updateMethod;

	private String updateBody;

	private boolean delete;

	private String missingId = UUID.randomUUID().toString();

	private Function<Response, String> idOf = EndpointProbe::defaultId;

	private final Set<String> ignoredMembers = new LinkedHashSet<>(
			List.of("requestId", "request_id", "traceId", "trace_id", "correlationId", "correlation_id", "timestamp"));

	private EndpointProbe(String collection, HttpTransport transport) {
		this.collection = collection;
		this.transport = transport;
		this.name = "endpoint " + collection;
		this.itemTemplate = collection + "/{id}";
		this.listPath = collection;
	}

	/**
	 * Probe the resource collection at a path.
	 * @param collection the collection's path, such as {@code /api/trips}
	 * @param transport how requests are sent
	 * @return the probe
	 */
	public static EndpointProbe at(String collection, HttpTransport transport) {
		return new EndpointProbe(collection, transport);
	}

	/**
	 * Name the probe in the report.
	 * @param name the name
	 * @return this
	 */
	public EndpointProbe named(String name) {
		this.name = name;
		return this;
	}

	/**
	 * The JSON body that creates a resource ({@code POST} to the collection, as the
	 * owner). Required.
	 * @param jsonBody the body
	 * @return this
	 */
	public EndpointProbe create(String jsonBody) {
		this.createBody = jsonBody;
		return this;
	}

	/**
	 * Where one resource is, {@code {id}} standing for its id (default: the collection
	 * path followed by {@code /{id}}).
	 * @param template such as {@code /api/trips/{id}}
	 * @return this
	 */
	public EndpointProbe item(String template) {
		this.itemTemplate = template;
		return this;
	}

	/**
	 * How to find the id in the creation's response (default: a top-level {@code id}
	 * member, else the last segment of {@code Location}).
	 * @param idOf reads the id
	 * @return this
	 */
	public EndpointProbe idFrom(Function<Response, String> idOf) {
		this.idOf = idOf;
		return this;
	}

	/**
	 * The listing path (default: the collection), {@code null} to list nothing. The owner
	 * must see its resource there (the first page, say: create something that sorts
	 * first), or the check proves nothing and fails.
	 * @param path such as {@code /api/trips?size=100}
	 * @return this
	 */
	public EndpointProbe list(String path) {
		this.listPath = path;
		return this;
	}

	/**
	 * A search, {@code {marker}} standing for the {@linkplain #marker marker}.
	 * @param template such as {@code /api/trips?q={marker}}
	 * @return this
	 */
	public EndpointProbe search(String template) {
		this.searchTemplate = template;
		return this;
	}

	/**
	 * A text of the created resource that must never appear in what the intruder gets
	 * (besides the id, which never may).
	 * @param text such as the resource's name
	 * @return this
	 */
	public EndpointProbe marker(String text) {
		this.marker = text;
		return this;
	}

	/**
	 * Try to update the resource as the intruder.
	 * @param method {@code PUT} or {@code PATCH}
	 * @param jsonBody the body
	 * @return this
	 */
	public EndpointProbe update(String method, String jsonBody) {
		this.updateMethod = method;
		this.updateBody = jsonBody;
		return this;
	}

	/**
	 * Try to delete the resource as the intruder ({@code DELETE} on the item).
	 * @return this
	 */
	public EndpointProbe delete() {
		this.delete = true;
		return this;
	}

	/**
	 * The id that exists for nobody (default: a random UUID).
	 * @param id the id
	 * @return this
	 */
	public EndpointProbe missingId(String id) {
		this.missingId = id;
		return this;
	}

	/**
	 * JSON members that differ from one response to the next and are left out of the
	 * comparison (besides {@code requestId}, {@code traceId}, {@code correlationId},
	 * {@code timestamp}).
	 * @param members member names, at any depth
	 * @return this
	 */
	public EndpointProbe ignoringMembers(String... members) {
		this.ignoredMembers.addAll(List.of(members));
		return this;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void probe(String owner, String intruder, Findings findings) {
		Objects.requireNonNull(this.createBody, "EndpointProbe needs create(jsonBody)");
		Response created = this.transport.exchange("POST", this.collection, owner, this.createBody);
		if (created.status() / 100 != 2) {
			findings.leaked("create", "the owner could not create the resource, so nothing was proved: " + created);
			return;
		}
		String id = this.idOf.apply(created);
		if (id == null || id.isBlank()) {
			findings.leaked("create", "no id in the creation's response: " + created);
			return;
		}
		String item = itemPath(id);
		Response before = this.transport.exchange("GET", item, owner, null);
		if (before.status() / 100 != 2) {
			findings.leaked("control", "the owner cannot read its own resource at " + item + ": " + before);
			return;
		}
		compareWithMissing("read", "GET", null, id, intruder, findings);
		if (this.listPath != null) {
			listed("list", this.listPath, id, owner, intruder, findings);
		}
		if (this.searchTemplate != null) {
			String path = this.searchTemplate.replace("{marker}", java.net.URLEncoder
				.encode((this.marker != null) ? this.marker : id, java.nio.charset.StandardCharsets.UTF_8));
			listed("search", path, id, owner, intruder, findings);
		}
		if (this.updateMethod != null) {
			compareWithMissing("update", this.updateMethod, this.updateBody, id, intruder, findings);
			unchanged("update", item, before, owner, findings);
		}
		if (this.delete) {
			compareWithMissing("delete", "DELETE", null, id, intruder, findings);
			unchanged("delete", item, before, owner, findings);
		}
	}

	private void compareWithMissing(String operation, String method, String body, String id, String intruder,
			Findings findings) {
		Response onOwners = this.transport.exchange(method, itemPath(id), intruder, body);
		Response onMissing = this.transport.exchange(method, itemPath(this.missingId), intruder, body);
		String seen = method + " " + this.itemTemplate + " as " + intruder;
		if (onOwners.status() / 100 == 2) {
			findings.leaked(operation, seen + " succeeded on the owner's resource: " + onOwners);
		}
		else if (onOwners.status() != onMissing.status()) {
			findings.leaked(operation, seen + " answered " + onOwners.status() + " for the owner's id but "
					+ onMissing.status() + " for a missing one, so the id is known to exist");
		}
		else if (!normalized(onOwners.body(), id).equals(normalized(onMissing.body(), this.missingId))) {
			findings.leaked(operation, seen + " answered the owner's id differently from a missing one: " + onOwners
					+ " versus " + onMissing);
		}
		else if (this.marker != null && onOwners.body().contains(this.marker)) {
			// the id itself may be echoed back (the intruder sent it); the owner's data
			// may not
			findings.leaked(operation, seen + " showed the owner's data: " + onOwners);
		}
		else {
			findings.isolated(operation, seen + " answered " + onOwners.status() + ", as for a missing id");
		}
	}

	private void listed(String operation, String path, String id, String owner, String intruder, Findings findings) {
		Response asOwner = this.transport.exchange("GET", path, owner, null);
		if (asOwner.status() / 100 != 2 || !asOwner.body().contains(id)) {
			findings.leaked(operation, "GET " + path + " as the owner does not show its own resource " + id
					+ ", so this check proves nothing: " + asOwner);
			return;
		}
		Response asIntruder = this.transport.exchange("GET", path, intruder, null);
		if (mentions(asIntruder.body(), id)) {
			findings.leaked(operation,
					"GET " + path + " as " + intruder + " shows the owner's resource: " + asIntruder);
		}
		else {
			findings.isolated(operation, "GET " + path + " as " + intruder + " answered " + asIntruder.status()
					+ " without the owner's data");
		}
	}

	private void unchanged(String operation, String item, Response before, String owner, Findings findings) {
		Response after = this.transport.exchange("GET", item, owner, null);
		if (after.status() != before.status() || !normalized(after.body(), "").equals(normalized(before.body(), ""))) {
			findings.leaked(operation + " effect", "the owner's resource changed: " + before + " became " + after);
		}
		else {
			findings.isolated(operation + " effect", "the owner's resource is unchanged");
		}
	}

	private boolean mentions(String body, String id) {
		return body.contains(id) || (this.marker != null && body.contains(this.marker));
	}

	private String itemPath(String id) {
		return this.itemTemplate.replace("{id}", id);
	}

	private String normalized(String body, String id) {
		String masked = id.isEmpty() ? body : body.replace(id, MASK);
		try {
			JsonNode tree = json.readTree(masked);
			if (tree == null || tree.isMissingNode()) {
				return masked;
			}
			drop(tree);
			return tree.toString();
		}
		catch (JacksonException ex) {
			return masked;
		}
	}

	private void drop(JsonNode node) {
		if (node instanceof ObjectNode object) {
			this.ignoredMembers.forEach(object::remove);
		}
		List<JsonNode> children = new ArrayList<>();
		node.forEach(children::add);
		children.forEach(this::drop);
	}

	static String defaultId(Response created) {
		try {
			JsonNode id = json.readTree(created.body()).path("id");
			if (id.isValueNode()) {
				return id.asString();
			}
		}
		catch (JacksonException ex) {
			// not JSON: try the location
		}
		return created.locationHeader()
			.map((location) -> location.substring(location.lastIndexOf('/') + 1))
			.orElse(null);
	}

}

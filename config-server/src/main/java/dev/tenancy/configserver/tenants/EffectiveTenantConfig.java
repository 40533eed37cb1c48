package dev.tenancy.configserver.tenants;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.tenancy.TenancyException.Violation;
import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.autoconfigure.TenancyConfigurationException;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantConfigJson;

/**
 * A tenant's effective configuration: the defaults, then the plan's values, then the
 * tenant's own values, merged as JSON trees (objects merge key by key, any other value
 * replaces). Paths listed as protected are removed from the tenant's own values before
 * the merge, so only defaults and plans decide them. The result is validated with
 * {@link TenantConfigJson}.
 *
 * <p>
 * A tenant's own unset values ({@code null}, empty lists and maps) count as "not set" and
 * do not replace a default.
 */
public final class EffectiveTenantConfig {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Pattern INDEXED = Pattern.compile("(.*)\\[(\\d+)\\]");

	private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

	private final ObjectNode defaults;

	private final Map<String, ObjectNode> plans = new TreeMap<>();

	private final List<String[]> protectedPaths = new ArrayList<>();

	/**
	 * Prepares the defaults and plans; fails fast (at start-up) when they do not form a
	 * valid configuration.
	 * @param properties the bound properties
	 */
	public EffectiveTenantConfig(TenantApiProperties properties) {
		this.defaults = objectOf(properties.tenantDefaults(), "");
		List<Violation> violations = new ArrayList<>();
		validate(this.defaults, "tenancy.config-server.tenant-defaults", violations);
		properties.plans().forEach((name, values) -> {
			ObjectNode plan = objectOf(values, "");
			validate(merge(this.defaults.deepCopy(), plan), "tenancy.config-server.plans." + name, violations);
			this.plans.put(name, plan);
		});
		if (!violations.isEmpty()) {
			// The same rules and messages as tenant files, the admin API and
			// tenancy.tenants.*.
			throw new TenancyConfigurationException("Invalid tenant defaults or plans:"
					+ violations.stream().map((violation) -> "\n    - " + violation).collect(Collectors.joining()),
					"Correct the properties listed above (a plan is checked merged over the defaults). Durations "
							+ "are written as 1m or PT1M.");
		}
		for (String key : properties.protectedKeys()) {
			if (key != null && !key.isBlank()) {
				this.protectedPaths.add(key.strip().split("\\."));
			}
		}
	}

	/**
	 * The effective configuration of a tenant, as a validated, canonical JSON tree.
	 * @param tenant the tenant
	 * @return the merged configuration
	 * @throws dev.tenancy.registry.InvalidTenantConfigException when the merge is not a
	 * valid configuration
	 */
	public JsonNode of(Tenant tenant) {
		ObjectNode own = prune(TenantConfigJson.tree(tenant.config()));
		for (String[] path : this.protectedPaths) {
			remove(own, path);
		}
		ObjectNode merged = this.defaults.deepCopy();
		String plan = textAt(own, "plan");
		if (plan == null) {
			plan = textAt(merged, "plan");
		}
		ObjectNode planValues = (plan != null) ? this.plans.get(plan) : null;
		if (planValues != null) {
			merge(merged, planValues.deepCopy());
		}
		merge(merged, own);
		TenantConfig effective = TenantConfigJson.fromTree(merged, "config");
		return prune(TenantConfigJson.tree(effective));
	}

	private static void validate(ObjectNode values, String path, List<Violation> violations) {
		try {
			TenantConfigJson.fromTree(values, path);
		}
		catch (InvalidTenantConfigException ex) {
			violations.addAll(ex.violations());
		}
	}

	private static String textAt(ObjectNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	/** Merges {@code overlay} into {@code base}: objects merge, other values replace. */
	static ObjectNode merge(ObjectNode base, ObjectNode overlay) {
		for (Map.Entry<String, JsonNode> entry : overlay.properties()) {
			JsonNode existing = base.get(entry.getKey());
			if (existing instanceof ObjectNode existingObject && entry.getValue() instanceof ObjectNode overlayObject) {
				merge(existingObject, overlayObject);
			}
			else {
				base.set(entry.getKey(), entry.getValue());
			}
		}
		return base;
	}

	private static void remove(ObjectNode node, String[] path) {
		ObjectNode current = node;
		for (int i = 0; i < path.length - 1; i++) {
			if (!(current.get(path[i]) instanceof ObjectNode next)) {
				return;
			}
			current = next;
		}
		current.remove(path[path.length - 1]);
	}

	/** Drops nulls and empty arrays/objects: the model's way of saying "not set". */
	private static ObjectNode prune(JsonNode tree) {
		ObjectNode object = (tree instanceof ObjectNode o) ? o.deepCopy() : NODES.objectNode();
		pruneInPlace(object);
		return object;
	}

	private static void pruneInPlace(ObjectNode object) {
		Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
		List<String> drop = new ArrayList<>();
		while (fields.hasNext()) {
			Map.Entry<String, JsonNode> field = fields.next();
			JsonNode value = field.getValue();
			if (value instanceof ObjectNode child) {
				pruneInPlace(child);
			}
			if (value == null || value.isNull() || ((value.isObject() || value.isArray()) && value.isEmpty())) {
				drop.add(field.getKey());
			}
		}
		drop.forEach(object::remove);
	}

	/**
	 * A bound property map as a JSON object. Boot binds YAML lists inside a
	 * {@code Map<String,Object>} either as lists, as maps keyed "0", "1", ..., or as keys
	 * such as {@code features[0]}: all become arrays. Integer strings under
	 * {@code rateLimit} become numbers (environment variables and properties files bind
	 * everything as strings).
	 */
	static ObjectNode objectOf(Map<String, ?> values, String path) {
		ObjectNode object = NODES.objectNode();
		if (values == null) {
			return object;
		}
		Map<String, TreeMap<Integer, Object>> indexed = new TreeMap<>();
		values.forEach((key, value) -> {
			Matcher matcher = INDEXED.matcher(key);
			if (matcher.matches()) {
				indexed.computeIfAbsent(matcher.group(1), (k) -> new TreeMap<>())
					.put(Integer.parseInt(matcher.group(2)), value);
			}
			else {
				object.set(key, nodeOf(value, path.isEmpty() ? key : path + "." + key));
			}
		});
		indexed.forEach((key, items) -> object.set(key,
				nodeOf(new ArrayList<>(items.values()), path.isEmpty() ? key : path + "." + key)));
		return object;
	}

	private static JsonNode nodeOf(Object value, String path) {
		if (value instanceof Map<?, ?> map) {
			if (!map.isEmpty()
					&& map.keySet().stream().allMatch((k) -> k != null && INTEGER.matcher(k.toString()).matches())) {
				TreeMap<Integer, Object> items = new TreeMap<>();
				map.forEach((k, v) -> items.put(Integer.parseInt(k.toString()), v));
				return nodeOf(new ArrayList<>(items.values()), path);
			}
			@SuppressWarnings("unchecked")
			Map<String, ?> typed = (Map<String, ?>) map;
			return objectOf(typed, path);
		}
		if (value instanceof List<?> list) {
			ArrayNode array = NODES.arrayNode();
			for (Object item : list) {
				array.add(nodeOf(item, path));
			}
			return array;
		}
		if (value instanceof String text && path.startsWith("rateLimit") && INTEGER.matcher(text).matches()) {
			return NODES.numberNode(Long.parseLong(text));
		}
		return JSON.valueToTree(value);
	}

}

package dev.tenancy.configserver.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A readable difference of two JSON documents (a tenant before and after a change): one
 * line per leaf value that was added, removed or changed, named by its path
 * ({@code config.rateLimit.limit}). Lists are compared whole and shown joined
 * ({@code trips, helpdesk}), which reads better than item by item.
 */
public final class ConfigDiff {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ConfigDiff() {
	}

	/**
	 * The changes from one document to another.
	 * @param before the document before, {@code null} or blank for none
	 * @param after the document after, {@code null} or blank for none
	 * @return the changes, in the order of the paths as they appear
	 */
	static List<Change> of(String before, String after) {
		return of(parse(before), parse(after));
	}

	/**
	 * The changes from one tree to another.
	 * @param before the tree before, or {@code null}
	 * @param after the tree after, or {@code null}
	 * @return the changes
	 */
	static List<Change> of(JsonNode before, JsonNode after) {
		Map<String, String> old = flatten(before);
		Map<String, String> now = flatten(after);
		Set<String> paths = new LinkedHashSet<>(old.keySet());
		paths.addAll(now.keySet());
		List<Change> changes = new ArrayList<>();
		for (String path : paths) {
			String was = old.get(path);
			String is = now.get(path);
			if (was == null) {
				changes.add(new Change(path, null, is));
			}
			else if (is == null) {
				changes.add(new Change(path, was, null));
			}
			else if (!was.equals(is)) {
				changes.add(new Change(path, was, is));
			}
		}
		return changes;
	}

	private static JsonNode parse(String json) {
		if (json == null || json.isBlank()) {
			return null;
		}
		return JSON.readTree(json);
	}

	private static Map<String, String> flatten(JsonNode tree) {
		Map<String, String> values = new LinkedHashMap<>();
		if (tree != null) {
			flatten("", tree, values);
		}
		return values;
	}

	private static void flatten(String path, JsonNode node, Map<String, String> values) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				flatten(path.isEmpty() ? entry.getKey() : path + "." + entry.getKey(), entry.getValue(), values);
			}
		}
		else if (node.isArray()) {
			List<String> items = new ArrayList<>();
			node.forEach((item) -> items.add(item.isValueNode() ? item.asString() : item.toString()));
			values.put(path, String.join(", ", items));
		}
		else if (!node.isNull()) {
			values.put(path, node.asString());
		}
	}

	/**
	 * One changed value.
	 *
	 * @param path where, such as {@code config.rateLimit.limit}
	 * @param before the value before, {@code null} when it was added
	 * @param after the value after, {@code null} when it was removed
	 */
	public record Change(String path, String before, String after) {

		/**
		 * @return {@code added}, {@code removed} or {@code changed}
		 */
		public String kind() {
			return (this.before == null) ? "added" : (this.after == null) ? "removed" : "changed";
		}

	}

}

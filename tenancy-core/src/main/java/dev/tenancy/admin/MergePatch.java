package dev.tenancy.admin;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch (RFC 7396): an object in the patch merges into the target member by
 * member, a {@code null} member removes the target's member, anything else replaces it
 * (arrays whole).
 */
final class MergePatch {

	private MergePatch() {
	}

	/**
	 * Apply a patch object to a target object, in place.
	 * @param target the document to change
	 * @param patch the patch, an object
	 */
	static void apply(ObjectNode target, JsonNode patch) {
		List<String> names = new ArrayList<>(patch.propertyNames());
		for (String name : names) {
			JsonNode value = patch.get(name);
			if (value.isNull()) {
				target.remove(name);
			}
			else if (value.isObject()) {
				JsonNode existing = target.get(name);
				ObjectNode merged = (existing != null && existing.isObject()) ? (ObjectNode) existing
						: target.objectNode();
				apply(merged, value);
				target.set(name, merged);
			}
			else {
				target.set(name, value.deepCopy());
			}
		}
	}

}

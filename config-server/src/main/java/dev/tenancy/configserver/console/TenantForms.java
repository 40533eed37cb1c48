package dev.tenancy.configserver.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.tenancy.ReservedTenantIds;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantConfigJson;

/**
 * Turns the console's form into a tenant configuration with the admin API's own rules and
 * messages: the form becomes the same JSON document an API caller would send, checked by
 * {@link TenantConfigJson#fromInput}; each violation is shown at the field it came from.
 */
final class TenantForms {

	/** The form fields, in the order the page shows them. */
	static final List<String> FIELDS = List.of("id", "displayName", "plan", "limit", "window", "burst", "perUserLimit",
			"perUserWindow", "costs", "features", "emailDomains", "locale", "attributes");

	private static final Pattern WHOLE = Pattern.compile("[+-]?\\d{1,18}");

	private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private TenantForms() {
	}

	/**
	 * The configuration document of a form, as the API would receive it.
	 * @param form the form
	 * @param errors where malformed lines (costs, attributes) are reported, by field
	 * @return the document
	 */
	static ObjectNode document(TenantForm form, Map<String, List<String>> errors) {
		ObjectNode config = NODES.objectNode();
		if (present(form.plan())) {
			config.put("plan", form.plan().strip());
		}
		boolean perUser = present(form.perUserLimit()) || present(form.perUserWindow());
		if (present(form.limit()) || present(form.window()) || present(form.burst()) || perUser
				|| present(form.costs())) {
			ObjectNode rate = config.putObject("rateLimit");
			if (present(form.limit())) {
				rate.set("limit", number(form.limit()));
			}
			if (present(form.window())) {
				rate.put("window", form.window().strip());
			}
			if (present(form.burst())) {
				rate.set("burst", number(form.burst()));
			}
			if (perUser) {
				ObjectNode user = rate.putObject("perUser");
				if (present(form.perUserLimit())) {
					user.set("limit", number(form.perUserLimit()));
				}
				if (present(form.perUserWindow())) {
					user.put("window", form.perUserWindow().strip());
				}
			}
			if (present(form.costs())) {
				ObjectNode costs = rate.putObject("costs");
				lines(form.costs(), "costs", "one name=tokens a line, such as helpdesk=5", errors)
					.forEach((name, value) -> costs.set(name, number(value)));
			}
		}
		if (present(form.features())) {
			config.set("features", list(form.features()));
		}
		if (present(form.emailDomains())) {
			config.set("emailDomains", list(form.emailDomains()));
		}
		if (present(form.locale())) {
			config.put("locale", form.locale().strip());
		}
		if (present(form.attributes())) {
			ObjectNode attributes = config.putObject("attributes");
			lines(form.attributes(), "attributes", "one name=value a line, such as brandColour=#0a5", errors)
				.forEach(attributes::put);
		}
		return config;
	}

	/**
	 * Check a form and make its configuration.
	 * @param form the form
	 * @param creating whether a new tenant is being created (its id is checked)
	 * @return the configuration, or the violations by field
	 */
	static Result read(TenantForm form, boolean creating) {
		Map<String, List<String>> errors = new LinkedHashMap<>();
		if (creating) {
			String id = (form.id() != null) ? form.id().strip() : "";
			if (!TenantId.isValid(id)) {
				add(errors, "id", "is required, a DNS label such as acme-travel");
			}
			else if (ReservedTenantIds.isReserved(id)) {
				add(errors, "id", "is reserved; choose another id");
			}
		}
		String name = form.displayName();
		if (name == null || name.isBlank() || name.length() > 200) {
			add(errors, "displayName", "is required, text of 1 to 200 characters");
		}
		else if (!StoredText.isSafe(name)) {
			add(errors, "displayName", StoredText.REASON);
		}
		ObjectNode document = document(form, errors);
		TenantConfig config = null;
		try {
			config = TenantConfigJson.fromInput(document, "");
		}
		catch (InvalidTenantConfigException ex) {
			for (Violation violation : ex.violations()) {
				String field = field(violation.path());
				add(errors, field, message(field, violation));
			}
		}
		return new Result(errors.isEmpty() ? config : null, errors, document);
	}

	/**
	 * The form field a violation's path belongs to.
	 * @param path a path such as {@code rateLimit.perUser.window} or {@code features[2]}
	 * @return the field, or {@code form} for the form as a whole
	 */
	static String field(String path) {
		if (path == null) {
			return "form";
		}
		if (path.equals("rateLimit") || path.equals("rateLimit.limit")) {
			return "limit";
		}
		if (path.equals("rateLimit.window")) {
			return "window";
		}
		if (path.equals("rateLimit.burst")) {
			return "burst";
		}
		if (path.equals("rateLimit.perUser") || path.equals("rateLimit.perUser.limit")) {
			return "perUserLimit";
		}
		if (path.equals("rateLimit.perUser.window")) {
			return "perUserWindow";
		}
		if (path.startsWith("rateLimit.costs")) {
			return "costs";
		}
		for (String field : List.of("plan", "locale", "features", "emailDomains", "attributes")) {
			if (path.equals(field) || path.startsWith(field + ".") || path.startsWith(field + "[")) {
				return field;
			}
		}
		return "form";
	}

	/** The API's message; for an item of a list or map, which item. */
	private static String message(String field, Violation violation) {
		String path = violation.path();
		boolean item = path.contains("[") || (path.startsWith("rateLimit.costs.") || path.startsWith("attributes."));
		return item ? path + ": " + violation.message() : violation.message();
	}

	private static void add(Map<String, List<String>> errors, String field, String message) {
		errors.computeIfAbsent(field, (key) -> new ArrayList<>()).add(message);
	}

	private static boolean present(String value) {
		return value != null && !value.isBlank();
	}

	/** A whole number as a number; anything else as text, which the rules then name. */
	private static tools.jackson.databind.JsonNode number(String value) {
		String text = value.strip();
		return WHOLE.matcher(text).matches() ? NODES.numberNode(Long.parseLong(text)) : NODES.stringNode(text);
	}

	private static ArrayNode list(String value) {
		ArrayNode array = NODES.arrayNode();
		for (String item : SEPARATORS.split(value.strip())) {
			if (!item.isEmpty()) {
				array.add(item);
			}
		}
		return array;
	}

	private static Map<String, String> lines(String value, String field, String form,
			Map<String, List<String>> errors) {
		Map<String, String> entries = new LinkedHashMap<>();
		int number = 0;
		for (String line : value.split("\\R")) {
			number++;
			if (line.isBlank()) {
				continue;
			}
			int equals = line.indexOf('=');
			if (equals <= 0) {
				add(errors, field, "line " + number + ": " + form);
				continue;
			}
			entries.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
		}
		return entries;
	}

	/**
	 * A checked form.
	 *
	 * @param config the configuration, {@code null} when there are errors
	 * @param errors the violations by field
	 * @param document the configuration document the form stands for
	 */
	record Result(TenantConfig config, Map<String, List<String>> errors, ObjectNode document) {

		boolean valid() {
			return this.errors.isEmpty();
		}

	}

}

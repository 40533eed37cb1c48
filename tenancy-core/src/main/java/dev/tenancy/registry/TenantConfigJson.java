package dev.tenancy.registry;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.tenancy.TenancyException.Violation;
import dev.tenancy.TenantConfig;
import dev.tenancy.ratelimit.RateLimitPolicy;

/**
 * The one reader and validator of {@link TenantConfig}: tenant files, the admin API, the
 * config server and {@code tenancy.tenants.<id>.config.*} properties all go through it,
 * so the same mistake gets the same answer everywhere. Every violation names its path and
 * the expected form, never the rejected value, and all violations of a document are
 * reported together in an {@link InvalidTenantConfigException}:
 * <ul>
 * <li>unknown and duplicated keys are refused;</li>
 * <li>numbers are whole numbers (JSON numbers; in properties also their text), at least
 * 1;</li>
 * <li>durations are text, either Spring Boot's simple form ({@code 30s}, {@code 1m},
 * {@code 1h}, {@code 1d}) or ISO-8601 ({@code PT1M}); a bare number is refused, because
 * nobody can tell whether it meant seconds or milliseconds;</li>
 * <li>{@code rateLimit.burst} is at least {@code rateLimit.limit} (it defaults to it),
 * and a route cost at most the burst;</li>
 * <li>limits and the burst are at most {@link RateLimitPolicy#MAX_TOKENS} (10^15), and an
 * empty bucket fills within {@link RateLimitPolicy#MAX_TIME_TO_FILL} (100 years:
 * {@code ceil(burst / limit)} windows): the bounds within which Redis's Lua decides
 * exactly (see {@code ScriptRateLimiter});</li>
 * <li>{@code locale} is an IETF language tag, {@code emailDomains} at most
 * {@value #MAX_EMAIL_DOMAINS} distinct lower-case domain names (see
 * {@link EmailDomains}).</li>
 * </ul>
 * Paths are written as in JSON ({@code config.rateLimit.window}), or as Spring Boot
 * property names for properties ({@code tenancy.tenants.acme.config.rate-limit.window});
 * the messages are the same.
 */
public final class TenantConfigJson {

	/** Largest accepted configuration document, in characters. */
	public static final int MAX_LENGTH = 64 * 1024;

	/** The expected form of every duration, as the messages say it. */
	public static final String DURATION_FORM = "a positive duration such as 1m or PT1M (30s, 1h, 1d, or ISO-8601 "
			+ "PT30S; a bare number is refused)";

	static final String LIMIT_FORM = "a whole number of requests of at least 1";

	static final String BURST_FORM = "a whole number not less than the limit (the bucket's capacity; "
			+ "the limit when unset)";

	static final String COST_FORM = "a whole number of tokens from 1 to the burst capacity";

	static final String TOKENS_BOUND = "at most " + RateLimitPolicy.MAX_TOKENS + " (10^15)";

	static final String FILL_BOUND = "short enough that an empty bucket fills within 100 years "
			+ "(ceil(burst / limit) windows)";

	static final String TEXT_64 = "text of 1 to 64 characters";

	static final String DOMAIN_FORM = "a lower-case domain name such as acme-travel.example";

	static final String LOCALE_FORM = "an IETF language tag such as en-GB";

	static final String RATE_LIMIT_FORM = "an object with limit and window (and optionally burst, perUser, costs)";

	static final String PER_USER_FORM = "an object with limit and window";

	private static final List<String> CONFIG_KEYS = List.of("plan", "rateLimit", "features", "emailDomains", "locale",
			"attributes");

	private static final List<String> RATE_LIMIT_KEYS = List.of("limit", "window", "burst", "perUser", "costs");

	private static final List<String> PER_USER_KEYS = List.of("limit", "window");

	private static final Pattern SIMPLE_DURATION = Pattern.compile("\\+?(\\d{1,18})(ns|us|ms|s|m|h|d)");

	private static final Pattern WHOLE = Pattern.compile("\\+?\\d{1,18}");

	/** Most e-mail domains one tenant may list. */
	public static final int MAX_EMAIL_DOMAINS = 50;

	private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d{1,6})\\]");

	private static final JsonMapper READER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private static final JsonMapper WRITER = JsonMapper.builder()
		.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
		.build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private TenantConfigJson() {
	}

	/**
	 * Parse and validate a configuration document; violation paths are relative to the
	 * document ({@code rateLimit.window}).
	 * @param json the JSON text, {@code null} or blank for an empty configuration
	 * @return the configuration
	 * @throws InvalidTenantConfigException when the document is not a valid configuration
	 */
	public static TenantConfig parse(String json) {
		if (json == null || json.isBlank()) {
			return TenantConfig.empty();
		}
		if (json.length() > MAX_LENGTH) {
			throw new InvalidTenantConfigException("config", "larger than " + MAX_LENGTH + " characters");
		}
		JsonNode tree;
		try {
			tree = READER.readTree(json);
		}
		catch (JacksonException ex) {
			throw unreadable(ex);
		}
		if (tree == null || !tree.isObject()) {
			throw new InvalidTenantConfigException("config", "must be an object");
		}
		return new Checker(Style.JSON, "", false).config(tree);
	}

	/**
	 * Convert an already parsed tree (from YAML, say) into a validated configuration.
	 * Text is not held to {@link StoredText}'s rule here, so that values stored before it
	 * are still read; use {@link #fromInput} for input that is about to be stored.
	 * @param tree the tree, {@code null} for an empty configuration
	 * @param pathPrefix the path of the tree, prefixed to every violation's path, such as
	 * {@code config} ({@code config.rateLimit.window}); empty for none
	 * @return the configuration
	 * @throws InvalidTenantConfigException when the tree is not a valid configuration
	 */
	public static TenantConfig fromTree(JsonNode tree, String pathPrefix) {
		return from(tree, pathPrefix, false);
	}

	/**
	 * Validate a configuration that came from outside and is about to be stored (the
	 * admin API, a tenant file): {@link #fromTree} and, for every text,
	 * {@link StoredText}'s rule.
	 * @param tree the tree, {@code null} for an empty configuration
	 * @param pathPrefix the path of the tree, such as {@code config}
	 * @return the configuration
	 * @throws InvalidTenantConfigException listing every violation
	 */
	public static TenantConfig fromInput(JsonNode tree, String pathPrefix) {
		return from(tree, pathPrefix, true);
	}

	/**
	 * Validate a configuration bound from Spring properties (a {@code Map} of nested
	 * maps, lists and scalar values, as Spring Boot's {@code Binder} gives them). Keys
	 * match in any relaxed form ({@code rate-limit}, {@code rateLimit},
	 * {@code ratelimit}), numbers may be text, lists may be comma-separated text;
	 * otherwise the rules and messages are {@link #fromInput}'s, with paths written as
	 * property names.
	 * @param values the bound values, {@code null} for an empty configuration
	 * @param pathPrefix the property name of the map, such as
	 * {@code tenancy.tenants.acme.config}
	 * @return the configuration
	 * @throws InvalidTenantConfigException listing every violation
	 */
	public static TenantConfig fromProperties(Map<String, ?> values, String pathPrefix) {
		if (values == null || values.isEmpty()) {
			return TenantConfig.empty();
		}
		return new Checker(Style.PROPERTIES, pathPrefix, true).config(propertiesTree(values));
	}

	/**
	 * Bound property values (nested maps, lists, text and numbers) as a JSON tree; keys
	 * such as {@code features[0]} become arrays.
	 * @param values the values
	 * @return the tree
	 */
	public static ObjectNode propertiesTree(Map<String, ?> values) {
		ObjectNode object = NODES.objectNode();
		Map<String, TreeMap<Integer, Object>> indexed = new LinkedHashMap<>();
		values.forEach((key, value) -> {
			Matcher matcher = INDEXED.matcher(key);
			if (matcher.matches()) {
				indexed.computeIfAbsent(matcher.group(1), (k) -> new TreeMap<>())
					.put(Integer.parseInt(matcher.group(2)), value);
			}
			else {
				object.set(key, propertyNode(value));
			}
		});
		indexed.forEach((key, items) -> object.set(key, propertyNode(new ArrayList<>(items.values()))));
		return object;
	}

	private static JsonNode propertyNode(Object value) {
		if (value == null) {
			return NODES.nullNode();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> typed = new LinkedHashMap<>();
			map.forEach((k, v) -> typed.put(String.valueOf(k), v));
			return propertiesTree(typed);
		}
		if (value instanceof List<?> list) {
			ArrayNode array = NODES.arrayNode();
			list.forEach((item) -> array.add(propertyNode(item)));
			return array;
		}
		if (value instanceof Number || value instanceof Boolean || value instanceof CharSequence) {
			return WRITER.valueToTree(value);
		}
		return NODES.stringNode(String.valueOf(value));
	}

	private static TenantConfig from(JsonNode tree, String pathPrefix, boolean storedText) {
		if (tree == null || tree.isNull() || tree.isMissingNode()) {
			return TenantConfig.empty();
		}
		String prefix = (pathPrefix != null) ? pathPrefix : "";
		if (!tree.isObject()) {
			throw new InvalidTenantConfigException(prefix.isEmpty() ? "config" : prefix, "must be an object");
		}
		if (tree.toString().length() > MAX_LENGTH) {
			throw new InvalidTenantConfigException(prefix.isEmpty() ? "config" : prefix,
					"larger than " + MAX_LENGTH + " characters");
		}
		return new Checker(Style.JSON, prefix, storedText).config(tree);
	}

	/**
	 * Write a configuration as compact JSON, for storing it: validated, and refused when
	 * any text in it breaks {@link StoredText}'s rule.
	 * @param config the configuration
	 * @return the JSON text
	 * @throws InvalidTenantConfigException naming the offending path
	 */
	public static String write(TenantConfig config) {
		// Every write to the registry comes through here: the text rule applies to all of
		// them.
		JsonNode tree = tree(config);
		new Checker(Style.JSON, "", true).config(tree);
		return WRITER.writeValueAsString(tree);
	}

	/**
	 * The configuration as a JSON tree, for comparisons and diffs.
	 * @param config the configuration
	 * @return the tree
	 */
	public static JsonNode tree(TenantConfig config) {
		return WRITER.valueToTree(config);
	}

	/**
	 * Read a duration in either accepted form: Spring Boot's simple one ({@code 30s},
	 * {@code 1m}, {@code 500ms}) or ISO-8601 ({@code PT1M}).
	 * @param text the text
	 * @return the duration, or {@code null} when the text is neither
	 */
	public static Duration parseDuration(String text) {
		String value = text.strip();
		Matcher simple = SIMPLE_DURATION.matcher(value);
		try {
			if (simple.matches()) {
				long amount = Long.parseLong(simple.group(1));
				return switch (simple.group(2)) {
					case "ns" -> Duration.ofNanos(amount);
					case "us" -> Duration.of(amount, ChronoUnit.MICROS);
					case "ms" -> Duration.ofMillis(amount);
					case "s" -> Duration.ofSeconds(amount);
					case "m" -> Duration.ofMinutes(amount);
					case "h" -> Duration.ofHours(amount);
					default -> Duration.ofDays(amount);
				};
			}
			String upper = value.toUpperCase(Locale.ROOT);
			if (upper.startsWith("P") || upper.startsWith("-P") || upper.startsWith("+P")) {
				return Duration.parse(value);
			}
		}
		catch (ArithmeticException | DateTimeParseException ex) {
			return null;
		}
		return null;
	}

	private static InvalidTenantConfigException unreadable(JacksonException ex) {
		if (ex instanceof StreamReadException read && read.getOriginalMessage() != null
				&& read.getOriginalMessage().startsWith("Duplicate Object property")) {
			String where = parserPath(read.processor());
			return new InvalidTenantConfigException((where != null && !where.isEmpty()) ? where : "config",
					"duplicate key");
		}
		return new InvalidTenantConfigException("config", "malformed document");
	}

	/** The path the parser is at, such as {@code rateLimit.limit}, or {@code null}. */
	private static String parserPath(Object processor) {
		if (!(processor instanceof JsonParser parser)) {
			return null;
		}
		Deque<String> segments = new ArrayDeque<>();
		for (TokenStreamContext context = parser.streamReadContext(); context != null
				&& !context.inRoot(); context = context.getParent()) {
			if (context.inObject() && context.currentName() != null) {
				segments.push("." + context.currentName());
			}
			else if (context.inArray()) {
				segments.push("[" + context.getCurrentIndex() + "]");
			}
		}
		String path = String.join("", segments);
		return path.startsWith(".") ? path.substring(1) : path;
	}

	/** How paths are written and how lenient scalar types are. */
	private enum Style {

		/** JSON documents: exact keys and types, camelCase paths. */
		JSON,

		/**
		 * Spring properties: relaxed keys, text for numbers and lists, kebab-case paths.
		 */
		PROPERTIES

	}

	/**
	 * Walks one configuration tree, collecting every violation, and builds the
	 * configuration when there is none.
	 */
	private static final class Checker {

		private final Style style;

		private final String prefix;

		private final boolean storedText;

		private final List<Violation> violations = new ArrayList<>();

		Checker(Style style, String prefix, boolean storedText) {
			this.style = style;
			this.prefix = (prefix != null) ? prefix : "";
			this.storedText = storedText;
		}

		TenantConfig config(JsonNode tree) {
			Map<String, JsonNode> fields = fields(tree, this.prefix, CONFIG_KEYS);
			String plan = text(fields.get("plan"), at(this.prefix, "plan"), 64, TEXT_64);
			TenantConfig.RateLimit rateLimit = rateLimit(fields.get("rateLimit"), at(this.prefix, "rateLimit"));
			List<String> features = list(fields.get("features"), at(this.prefix, "features"),
					(node, path) -> text(node, path, 64, TEXT_64), TEXT_64);
			List<String> domains = emailDomains(fields.get("emailDomains"), at(this.prefix, "emailDomains"));
			String locale = locale(fields.get("locale"), at(this.prefix, "locale"));
			Map<String, String> attributes = attributes(fields.get("attributes"), at(this.prefix, "attributes"));
			if (!this.violations.isEmpty()) {
				throw new InvalidTenantConfigException(this.violations);
			}
			return new TenantConfig(plan, rateLimit, features, domains, locale, attributes);
		}

		private TenantConfig.RateLimit rateLimit(JsonNode node, String path) {
			if (absent(node)) {
				return null;
			}
			if (!node.isObject()) {
				fail(path, "must be " + RATE_LIMIT_FORM);
				return null;
			}
			Map<String, JsonNode> fields = fields(node, path, RATE_LIMIT_KEYS);
			Long limit = whole(fields.get("limit"), at(path, "limit"), true, LIMIT_FORM);
			Duration window = duration(fields.get("window"), at(path, "window"), true);
			Long burst = whole(fields.get("burst"), at(path, "burst"), false, BURST_FORM);
			if (limit != null && burst != null && burst < limit) {
				fail(at(path, "burst"), "must be " + BURST_FORM);
				burst = null;
			}
			if (limit != null && limit > RateLimitPolicy.MAX_TOKENS) {
				fail(at(path, "limit"), "must be " + TOKENS_BOUND);
				limit = null;
			}
			if (burst != null && burst > RateLimitPolicy.MAX_TOKENS) {
				fail(at(path, "burst"), "must be " + TOKENS_BOUND);
				burst = null;
			}
			if (limit != null && window != null && !fillsInTime(limit, (burst != null) ? burst : limit, window)) {
				fail(at(path, "window"), "must be " + FILL_BOUND);
				window = null;
			}
			TenantConfig.UserLimit perUser = perUser(fields.get("perUser"), at(path, "perUser"));
			long capacity = (burst != null) ? burst : (limit != null) ? limit : Long.MAX_VALUE;
			Map<String, Long> costs = costs(fields.get("costs"), at(path, "costs"), capacity);
			if (limit == null || window == null) {
				return null;
			}
			return new TenantConfig.RateLimit(limit, window, (burst != null) ? burst : 0, perUser, costs);
		}

		private TenantConfig.UserLimit perUser(JsonNode node, String path) {
			if (absent(node)) {
				return null;
			}
			if (!node.isObject()) {
				fail(path, "must be " + PER_USER_FORM);
				return null;
			}
			Map<String, JsonNode> fields = fields(node, path, PER_USER_KEYS);
			Long limit = whole(fields.get("limit"), at(path, "limit"), true, LIMIT_FORM);
			Duration window = duration(fields.get("window"), at(path, "window"), true);
			if (limit != null && limit > RateLimitPolicy.MAX_TOKENS) {
				fail(at(path, "limit"), "must be " + TOKENS_BOUND);
				limit = null;
			}
			if (limit != null && window != null && !fillsInTime(limit, limit, window)) {
				fail(at(path, "window"), "must be " + FILL_BOUND);
				window = null;
			}
			return (limit != null && window != null) ? new TenantConfig.UserLimit(limit, window) : null;
		}

		private static boolean fillsInTime(long limit, long capacity, Duration window) {
			return new RateLimitPolicy(RateLimitPolicy.TENANT, limit, window, capacity).withinBounds();
		}

		private Map<String, Long> costs(JsonNode node, String path, long capacity) {
			if (absent(node)) {
				return Map.of();
			}
			if (!node.isObject()) {
				fail(path, "must be an object of route class to cost");
				return Map.of();
			}
			Map<String, Long> costs = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				String route = entry.getKey();
				if (!key(route, path, 64)) {
					continue;
				}
				String routePath = child(path, route);
				Long cost = whole(entry.getValue(), routePath, true, COST_FORM);
				if (cost != null && cost > capacity) {
					fail(routePath, "must be " + COST_FORM);
				}
				else if (cost != null) {
					costs.put(route, cost);
				}
			}
			return costs;
		}

		/**
		 * At most {@value #MAX_EMAIL_DOMAINS} distinct lower-case DNS names: each is an
		 * index row and a claim no other tenant can make.
		 */
		private List<String> emailDomains(JsonNode node, String path) {
			List<String> domains = list(node, path, this::domain, DOMAIN_FORM);
			if (domains.size() > MAX_EMAIL_DOMAINS) {
				fail(path, "must be a list of at most " + MAX_EMAIL_DOMAINS + " entries");
				return List.of();
			}
			if (domains.stream().distinct().count() != domains.size()) {
				fail(path, "must not list a domain twice");
				return List.of();
			}
			return domains;
		}

		private String domain(JsonNode node, String path) {
			String domain = text(node, path, EmailDomains.MAX_LENGTH, DOMAIN_FORM);
			if (domain != null && !EmailDomains.isValid(domain)) {
				fail(path, "must be " + DOMAIN_FORM);
				return null;
			}
			return domain;
		}

		private String locale(JsonNode node, String path) {
			String tag = text(node, path, 35, LOCALE_FORM);
			if (tag == null) {
				return null;
			}
			Locale locale = Locale.forLanguageTag(tag);
			if (locale.getLanguage().length() < 2 || locale.getLanguage().length() > 3
					|| !locale.toLanguageTag().equalsIgnoreCase(tag)) {
				fail(path, "must be " + LOCALE_FORM);
				return null;
			}
			return tag;
		}

		private Map<String, String> attributes(JsonNode node, String path) {
			if (absent(node)) {
				return Map.of();
			}
			if (!node.isObject()) {
				fail(path, "must be an object of at most 100 text values");
				return Map.of();
			}
			if (node.size() > 100) {
				fail(path, "must be an object of at most 100 text values");
				return Map.of();
			}
			Map<String, String> attributes = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				if (!key(entry.getKey(), path, 64)) {
					continue;
				}
				String entryPath = child(path, entry.getKey());
				if (absent(entry.getValue())) {
					fail(entryPath, "must be text of up to 1024 characters");
					continue;
				}
				String value = text(entry.getValue(), entryPath, 1024, "text of up to 1024 characters", true);
				if (value != null) {
					attributes.put(entry.getKey(), value);
				}
			}
			return attributes;
		}

		/**
		 * A free-form key (a route class, an attribute name): named by its map only when
		 * refused.
		 */
		private boolean key(String key, String mapPath, int maxLength) {
			if (key.isEmpty() || key.length() > maxLength) {
				fail(mapPath, "keys must be 1 to " + maxLength + " characters");
				return false;
			}
			if (this.storedText && !StoredText.isSafe(key)) {
				fail(mapPath, StoredText.REASON);
				return false;
			}
			return true;
		}

		private <T> List<T> list(JsonNode node, String path, Item<T> item, String itemForm) {
			if (absent(node)) {
				return List.of();
			}
			List<JsonNode> items = items(node);
			if (items == null) {
				fail(path, "must be a list of " + itemForm);
				return List.of();
			}
			if (items.size() > 100) {
				fail(path, "must be a list of at most 100 entries");
				return List.of();
			}
			List<T> values = new ArrayList<>();
			for (int i = 0; i < items.size(); i++) {
				String itemPath = path + "[" + i + "]";
				if (absent(items.get(i))) {
					fail(itemPath, "must be " + itemForm);
					continue;
				}
				T value = item.read(items.get(i), itemPath);
				if (value != null) {
					values.add(value);
				}
			}
			return values;
		}

		/**
		 * The entries of a list; in properties also comma-separated text and maps keyed
		 * 0, 1, ...
		 */
		private List<JsonNode> items(JsonNode node) {
			if (node.isArray()) {
				List<JsonNode> items = new ArrayList<>();
				node.forEach(items::add);
				return items;
			}
			if (this.style == Style.PROPERTIES && node.isString()) {
				List<JsonNode> items = new ArrayList<>();
				for (String part : node.asString().split(",", -1)) {
					items.add(NODES.stringNode(part.strip()));
				}
				return items;
			}
			if (this.style == Style.PROPERTIES && node.isObject() && !node.isEmpty()
					&& node.propertyNames().stream().allMatch((name) -> WHOLE.matcher(name).matches())) {
				TreeMap<Integer, JsonNode> sorted = new TreeMap<>();
				node.properties().forEach((entry) -> sorted.put(Integer.parseInt(entry.getKey()), entry.getValue()));
				return new ArrayList<>(sorted.values());
			}
			return null;
		}

		private String text(JsonNode node, String path, int maxLength, String form) {
			return text(node, path, maxLength, form, false);
		}

		private String text(JsonNode node, String path, int maxLength, String form, boolean mayBeEmpty) {
			if (absent(node)) {
				return null;
			}
			boolean scalar = node.isString()
					|| (this.style == Style.PROPERTIES && (node.isNumber() || node.isBoolean()));
			String text = scalar ? node.asString() : null;
			if (text == null || text.length() > maxLength || (!mayBeEmpty && text.isBlank())) {
				fail(path, "must be " + form);
				return null;
			}
			if (this.storedText && !StoredText.isSafe(text)) {
				fail(path, StoredText.REASON);
				return null;
			}
			return text;
		}

		private Long whole(JsonNode node, String path, boolean required, String form) {
			if (absent(node)) {
				if (required) {
					fail(path, "is required, " + form);
				}
				return null;
			}
			Long value = null;
			if (node.isIntegralNumber() && node.canConvertToLong()) {
				value = node.asLong();
			}
			else if (this.style == Style.PROPERTIES && node.isString()
					&& WHOLE.matcher(node.asString().strip()).matches()) {
				value = Long.parseLong(node.asString().strip());
			}
			if (value == null || value < 1) {
				fail(path, "must be " + form);
				return null;
			}
			return value;
		}

		private Duration duration(JsonNode node, String path, boolean required) {
			if (absent(node)) {
				if (required) {
					fail(path, "is required, " + DURATION_FORM);
				}
				return null;
			}
			Duration duration = node.isString() ? parseDuration(node.asString()) : null;
			if (duration == null || duration.isNegative() || duration.isZero()) {
				fail(path, "must be " + DURATION_FORM);
				return null;
			}
			return duration;
		}

		/**
		 * The known fields of an object, by their canonical name; unknown and repeated
		 * keys fail.
		 */
		private Map<String, JsonNode> fields(JsonNode node, String path, List<String> known) {
			Map<String, JsonNode> fields = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				String name = known.stream()
					.filter((candidate) -> matches(candidate, entry.getKey()))
					.findFirst()
					.orElse(null);
				if (name == null) {
					fail(child(path, entry.getKey()), "unknown key (expected "
							+ String.join(", ", known.stream().map(this::name).toList()) + ")");
				}
				else if (fields.containsKey(name)) {
					fail(child(path, entry.getKey()), "duplicate key");
				}
				else {
					fields.put(name, entry.getValue());
				}
			}
			return fields;
		}

		private boolean matches(String canonical, String key) {
			if (this.style == Style.JSON) {
				return canonical.equals(key);
			}
			return uniform(canonical).equals(uniform(key));
		}

		private static String uniform(String key) {
			return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
		}

		/** A schema key's name in this style: {@code rateLimit} or {@code rate-limit}. */
		private String name(String canonical) {
			if (this.style == Style.JSON) {
				return canonical;
			}
			return canonical.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
		}

		private String at(String parent, String canonical) {
			return child(parent, name(canonical));
		}

		/**
		 * A free-form key in a path: escaped, so that no control character reaches a
		 * terminal.
		 */
		private static String child(String parent, String key) {
			String safe = StoredText.escape(key);
			return parent.isEmpty() ? safe : parent + "." + safe;
		}

		private static boolean absent(JsonNode node) {
			return node == null || node.isNull() || node.isMissingNode();
		}

		private void fail(String path, String message) {
			this.violations.add(new Violation(path.isEmpty() ? "config" : path, message));
		}

		@FunctionalInterface
		private interface Item<T> {

			T read(JsonNode node, String path);

		}

	}

}

package dev.tenancy.registry;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

import dev.tenancy.TenantConfig;

/**
 * Reads and writes {@link TenantConfig} as JSON, strictly: an unknown key, a duplicated key, a
 * wrong type (a number as text, say) or a value out of range is rejected with an
 * {@link InvalidTenantConfigException} that names the path. Used for every write to the registry
 * and every file import, so nothing malformed is ever stored.
 */
public final class TenantConfigJson {

	/** Largest accepted configuration document, in characters. */
	public static final int MAX_LENGTH = 64 * 1024;

	/** The model's own messages start with the path, such as {@code rateLimit.limit must be positive}. */
	private static final Pattern MODEL_MESSAGE = Pattern.compile("([A-Za-z][A-Za-z0-9.]*)(?: (.+))?");

	// A missing (or null) number must reach the records as 0, so that an absent burst defaults to
	// the limit and an absent limit is refused by the record naming its path: hence
	// FAIL_ON_NULL_FOR_PRIMITIVES is off. A null inside a list or map is refused with its path.
	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.changeDefaultNullHandling((nulls) -> nulls.withContentNulls(Nulls.FAIL))
		.addModule(new SimpleModule("tenancy-strict-durations").addDeserializer(Duration.class,
				new IsoDurationDeserializer()))
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
		.withCoercionConfig(LogicalType.Integer,
				(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Textual,
				(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.build();

	private TenantConfigJson() {
	}

	/**
	 * Parse and validate a configuration document.
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
		try {
			return validate(MAPPER.readValue(json, TenantConfig.class));
		}
		catch (JacksonException ex) {
			throw invalid(ex);
		}
	}

	/**
	 * Convert an already parsed tree (from YAML, say) into a validated configuration.
	 * @param tree the tree, {@code null} for an empty configuration
	 * @param pathPrefix prefix for error paths, such as {@code config}
	 * @return the configuration
	 * @throws InvalidTenantConfigException when the tree is not a valid configuration
	 */
	public static TenantConfig fromTree(JsonNode tree, String pathPrefix) {
		if (tree == null || tree.isNull() || tree.isMissingNode()) {
			return TenantConfig.empty();
		}
		if (!tree.isObject()) {
			throw new InvalidTenantConfigException(pathPrefix, "must be an object");
		}
		return parse(MAPPER.writeValueAsString(tree));
	}

	/**
	 * Write a configuration as compact JSON, for storing it: validated, and refused when any text
	 * in it breaks {@link StoredText}'s rule.
	 * @param config the configuration
	 * @return the JSON text
	 * @throws InvalidTenantConfigException naming the offending path
	 */
	public static String write(TenantConfig config) {
		// Every write to the registry comes through here: the text rule applies to all of them.
		StoredText.require(validate(config));
		return MAPPER.writeValueAsString(config);
	}

	/**
	 * The configuration as a JSON tree, for comparisons and diffs.
	 * @param config the configuration
	 * @return the tree
	 */
	public static JsonNode tree(TenantConfig config) {
		return MAPPER.valueToTree(config);
	}

	private static TenantConfig validate(TenantConfig config) {
		if (config.plan() != null && (config.plan().isBlank() || config.plan().length() > 64)) {
			throw new InvalidTenantConfigException("plan", "must be 1 to 64 characters");
		}
		check("features", config.features(), 64);
		check("emailDomains", config.emailDomains(), 253);
		for (int i = 0; i < config.emailDomains().size(); i++) {
			String domain = config.emailDomains().get(i);
			if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
				throw new InvalidTenantConfigException("emailDomains[" + i + "]", "must be a lower-case domain name");
			}
		}
		if (config.locale() != null) {
			Locale locale = Locale.forLanguageTag(config.locale());
			if (locale.getLanguage().length() < 2 || locale.getLanguage().length() > 3
					|| !locale.toLanguageTag().equalsIgnoreCase(config.locale())) {
				throw new InvalidTenantConfigException("locale", "must be an IETF language tag such as en-GB");
			}
		}
		if (config.attributes().size() > 100) {
			throw new InvalidTenantConfigException("attributes", "at most 100 attributes");
		}
		config.attributes().forEach((key, value) -> {
			if (key.isEmpty() || key.length() > 64 || value == null || value.length() > 1024) {
				throw new InvalidTenantConfigException("attributes." + key, "keys 1-64 and values up to 1024 characters");
			}
		});
		if (config.rateLimit() != null) {
			TenantConfig.RateLimit limit = config.rateLimit();
			if (limit.burst() < limit.limit()) {
				throw new InvalidTenantConfigException("rateLimit.burst", "must not be less than rateLimit.limit");
			}
			limit.costs().forEach((route, cost) -> {
				if (cost == null || cost < 1 || cost > limit.burst()) {
					throw new InvalidTenantConfigException("rateLimit.costs." + route,
							"must be between 1 and the burst capacity");
				}
			});
			if (limit.perUser() != null && (limit.perUser().window().isNegative() || limit.perUser().window().isZero())) {
				throw new InvalidTenantConfigException("rateLimit.perUser.window", "must be positive");
			}
		}
		return config;
	}

	private static void check(String path, List<String> values, int maxLength) {
		if (values.size() > 100) {
			throw new InvalidTenantConfigException(path, "at most 100 entries");
		}
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			if (value == null || value.isBlank() || value.length() > maxLength) {
				throw new InvalidTenantConfigException(path + "[" + i + "]", "must be 1 to " + maxLength + " characters");
			}
		}
	}

	private static InvalidTenantConfigException invalid(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		String reason;
		Throwable cause = ex.getCause();
		if (ex instanceof UnrecognizedPropertyException) {
			reason = "unknown key";
		}
		else if ((cause instanceof IllegalArgumentException || cause instanceof NullPointerException)
				&& cause.getMessage() != null && modelMessage(cause.getMessage(), path.toString()) != null) {
			// The records name the offending component themselves (rateLimit.limit must be positive).
			Matcher message = modelMessage(cause.getMessage(), path.toString());
			path.setLength(0);
			path.append(message.group(1));
			reason = (message.group(2) != null) ? message.group(2) : "is required";
		}
		else if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
			reason = cause.getMessage();
		}
		else if (ex instanceof StreamReadException read && read.getOriginalMessage() != null
				&& read.getOriginalMessage().startsWith("Duplicate Object property")) {
			reason = "duplicate key";
			String where = parserPath(read.processor());
			if (where != null) {
				path.setLength(0);
				path.append(where);
			}
		}
		else if (ex instanceof StreamReadException) {
			reason = "malformed document";
		}
		else {
			reason = "wrong type or value";
		}
		return new InvalidTenantConfigException(path.toString(), reason);
	}

	private static Matcher modelMessage(String message, String path) {
		Matcher matcher = MODEL_MESSAGE.matcher(message);
		return (matcher.matches() && matcher.group(1).startsWith(path)) ? matcher : null;
	}

	/** The path the parser is at, such as {@code rateLimit.limit}, or {@code null}. */
	private static String parserPath(JsonParser parser) {
		if (parser == null) {
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

	/**
	 * Durations only as ISO-8601 text ({@code PT1M}): a bare number would silently be read as
	 * seconds, although a config author may well have meant milliseconds or minutes.
	 */
	private static final class IsoDurationDeserializer extends ValueDeserializer<Duration> {

		@Override
		public Duration deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.VALUE_STRING)) {
				return (Duration) context.handleUnexpectedToken(Duration.class, parser);
			}
			String text = parser.getString();
			try {
				return Duration.parse(text);
			}
			catch (DateTimeParseException ex) {
				return (Duration) context.handleWeirdStringValue(Duration.class, text,
						"not an ISO-8601 duration such as PT1M");
			}
		}

	}

}

package dev.tenancy.registry.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.tenancy.ReservedTenantIds;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.EmailDomainIndex;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantConfigJson;

/**
 * Reads a directory of tenant YAML files, one tenant per file, in the old platform's
 * format:
 *
 * <pre>
 * # acme.yaml
 * id: acme                # optional; must equal the file name
 * displayName: Acme Travel
 * status: ACTIVE          # optional
 * config:
 *   plan: standard
 *   rateLimit: { limit: 1000, window: PT1M }
 *   features: [trips, helpdesk]
 * </pre>
 *
 * Every file is validated on its own and reported as valid or invalid with the reason;
 * nothing is trusted: only regular files directly in the directory (no symbolic links, no
 * sub-directories), at most {@value #MAX_FILE_SIZE} bytes, file name a valid tenant id,
 * no duplicated keys, no unknown keys, one file per tenant id, no
 * {@linkplain ReservedTenantIds reserved} tenant id, and no control,
 * bidirectional-formatting or invisible character in any text ({@link StoredText}).
 */
public final class TenantFileReader {

	/** Largest accepted file, in bytes. */
	public static final int MAX_FILE_SIZE = 64 * 1024;

	private static final Set<String> TOP_LEVEL_KEYS = Set.of("id", "displayName", "status", "config");

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private TenantFileReader() {
	}

	/**
	 * Read every tenant file of a directory, sorted by file name.
	 * @param directory the directory
	 * @return one result per candidate file
	 * @throws IOException when the directory cannot be listed
	 */
	public static List<TenantFile> readDirectory(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			throw new IOException("Not a directory: " + directory);
		}
		List<Path> candidates;
		try (Stream<Path> entries = Files.list(directory)) {
			candidates = entries.filter(TenantFileReader::isYaml).sorted().toList();
		}
		List<TenantFile> results = new ArrayList<>();
		for (Path path : candidates) {
			results.add(read(path));
		}
		return rejectDuplicates(results);
	}

	/**
	 * Read one tenant file.
	 * @param path the file
	 * @return the result
	 */
	public static TenantFile read(Path path) {
		try {
			if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
				return new TenantFile.Invalid(path, "not a regular file");
			}
			if (Files.size(path) > MAX_FILE_SIZE) {
				return new TenantFile.Invalid(path, "larger than " + MAX_FILE_SIZE + " bytes");
			}
			return parse(path, Files.readAllBytes(path));
		}
		catch (IOException | RuntimeException ex) {
			return new TenantFile.Invalid(path, "cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
	}

	/**
	 * Read tenant files given as names and contents (from the classpath, say), sorted by
	 * name.
	 * @param files file name to content
	 * @return one result per file
	 */
	public static List<TenantFile> readAll(Map<String, byte[]> files) {
		List<TenantFile> results = new ArrayList<>();
		new java.util.TreeMap<>(files).forEach((name, content) -> results.add(parse(Path.of(name), content)));
		return rejectDuplicates(results);
	}

	/**
	 * Validate the content of one tenant file.
	 * @param path the file name, for the tenant id and reports
	 * @param content the raw content
	 * @return the result
	 */
	public static TenantFile parse(Path path, byte[] content) {
		String stem = stem(path);
		if (!TenantId.isValid(stem)) {
			return new TenantFile.Invalid(path, "file name must be <tenant-id>.yaml with a DNS-label tenant id");
		}
		if (content.length > MAX_FILE_SIZE) {
			return new TenantFile.Invalid(path, "larger than " + MAX_FILE_SIZE + " bytes");
		}
		try {
			JsonNode root = YAML.readTree(new String(content, java.nio.charset.StandardCharsets.UTF_8));
			return new TenantFile.Valid(path, tenant(stem, root));
		}
		catch (InvalidTenantConfigException ex) {
			return new TenantFile.Invalid(path, ex.getMessage());
		}
		catch (JacksonException ex) {
			// The parser's message may quote the offending character: escaped, it reaches
			// no terminal.
			return new TenantFile.Invalid(path, "not valid YAML (" + StoredText.escape(ex.getOriginalMessage()) + ")");
		}
		catch (RuntimeException ex) {
			return new TenantFile.Invalid(path, "cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
	}

	/**
	 * The tenants of files that must all be valid, for a registry that refuses to start
	 * with a broken file rather than serve fewer tenants than it was given.
	 * @param files the files read
	 * @return their tenants, in file name order
	 * @throws InvalidTenantConfigException listing every invalid file, its path as
	 * {@code <file>: <key>}, such as {@code acme.yaml: config.rateLimit.window}
	 */
	public static List<Tenant> requireValid(List<TenantFile> files) {
		List<Violation> violations = new ArrayList<>();
		List<Tenant> tenants = new ArrayList<>();
		for (TenantFile file : files) {
			if (file instanceof TenantFile.Valid valid) {
				tenants.add(valid.tenant());
			}
			else if (file instanceof TenantFile.Invalid invalid) {
				violations.add(new Violation(String.valueOf(invalid.path().getFileName()), invalid.reason()));
			}
		}
		if (!violations.isEmpty()) {
			throw new InvalidTenantConfigException(violations);
		}
		return tenants;
	}

	private static Tenant tenant(String stem, JsonNode root) {
		if (root == null || !root.isObject()) {
			throw new InvalidTenantConfigException("", "the document must be a mapping");
		}
		List<Violation> violations = new ArrayList<>();
		for (String key : root.propertyNames()) {
			if (!TOP_LEVEL_KEYS.contains(key)) {
				violations.add(new Violation(StoredText.escape(key),
						"unknown key (expected id, displayName, status, config)"));
			}
		}
		if (ReservedTenantIds.isReserved(stem)) {
			violations.add(new Violation("id", "is reserved (see ReservedTenantIds); rename the tenant"));
		}
		JsonNode id = root.get("id");
		if (id != null && !(id.isString() && stem.equals(id.asString()))) {
			violations.add(new Violation("id", "must equal the file name '" + stem + "'"));
		}
		JsonNode name = root.get("displayName");
		if (name == null || !name.isString() || name.asString().isBlank() || name.asString().length() > 200) {
			violations.add(new Violation("displayName", "is required, text of 1 to 200 characters"));
		}
		else if (!StoredText.isSafe(name.asString())) {
			violations.add(new Violation("displayName", StoredText.REASON));
		}
		TenantStatus status = TenantStatus.ACTIVE;
		JsonNode statusNode = root.get("status");
		if (statusNode != null) {
			try {
				status = TenantStatus.valueOf(statusNode.asString().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				status = null;
			}
			if (status == null || status == TenantStatus.DELETED || !statusNode.isString()) {
				violations.add(new Violation("status", "must be ACTIVE or SUSPENDED"));
			}
		}
		TenantConfig config = null;
		try {
			config = TenantConfigJson.fromInput(root.get("config"), "config");
		}
		catch (InvalidTenantConfigException ex) {
			violations.addAll(ex.violations());
		}
		if (!violations.isEmpty()) {
			throw new InvalidTenantConfigException(violations);
		}
		return new Tenant(TenantId.of(stem), name.asString(), status, config, 0);
	}

	private static List<TenantFile> rejectDuplicates(List<TenantFile> results) {
		Map<String, Integer> counts = new HashMap<>();
		results.forEach((result) -> counts.merge(stem(result.path()), 1, Integer::sum));
		List<TenantFile> unique = results.stream()
			.map((result) -> (counts.get(stem(result.path())) > 1)
					? new TenantFile.Invalid(result.path(), "another file describes the same tenant") : result)
			.toList();
		return rejectSharedEmailDomains(unique);
	}

	/**
	 * Two tenants never share an e-mail domain: every file that claims a domain another
	 * file claims too is rejected, naming the domain and the other tenant, so the
	 * operator decides which keeps it.
	 */
	private static List<TenantFile> rejectSharedEmailDomains(List<TenantFile> results) {
		List<Tenant> tenants = results.stream()
			.filter(TenantFile.Valid.class::isInstance)
			.map((result) -> ((TenantFile.Valid) result).tenant())
			.toList();
		Map<String, String> reasons = new HashMap<>();
		for (EmailDomainIndex.Conflict conflict : EmailDomainIndex.conflicts(tenants)) {
			reasons.putIfAbsent(conflict.claimant().id().value(), "config.emailDomains: '" + conflict.domain()
					+ "' is also claimed by tenant '" + conflict.owner().id().value() + "'");
			reasons.putIfAbsent(conflict.owner().id().value(), "config.emailDomains: '" + conflict.domain()
					+ "' is also claimed by tenant '" + conflict.claimant().id().value() + "'");
		}
		if (reasons.isEmpty()) {
			return results;
		}
		return results.stream()
			.map((result) -> (result instanceof TenantFile.Valid valid
					&& reasons.containsKey(valid.tenant().id().value()))
							? new TenantFile.Invalid(result.path(), reasons.get(valid.tenant().id().value())) : result)
			.toList();
	}

	private static boolean isYaml(Path path) {
		String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
		return name.endsWith(".yaml") || name.endsWith(".yml");
	}

	static String stem(Path path) {
		String name = path.getFileName().toString();
		int dot = name.lastIndexOf('.');
		return (dot > 0) ? name.substring(0, dot) : name;
	}

}

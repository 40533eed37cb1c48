package dev.tenancy.registry.jdbc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.file.TenantFile;
import dev.tenancy.registry.file.TenantFileReader;

/**
 * Moves tenant YAML files into the registry database.
 * <p>
 * Every file is validated before anything is written; one invalid file means nothing is
 * written. Otherwise all new and changed tenants are written in one transaction, each
 * with an audit entry and a change notification. Running it again with the same files
 * finds everything unchanged and writes nothing. A dry run reports the same without
 * writing.
 */
public final class TenantImporter {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcTenantRegistry registry;

	public TenantImporter(JdbcTenantRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Import a directory.
	 * @param directory the directory of tenant files
	 * @param dryRun report only
	 * @param actor who runs the import, for the audit trail
	 * @return the report
	 * @throws IOException when the directory cannot be read
	 */
	public TenantImportReport importDirectory(Path directory, boolean dryRun, String actor) throws IOException {
		return importFiles(TenantFileReader.readDirectory(directory), dryRun, actor);
	}

	/**
	 * Import files already read (from the classpath, say).
	 * @param files the files, as read by {@link TenantFileReader}
	 * @param dryRun report only
	 * @param actor who runs the import, for the audit trail
	 * @return the report
	 */
	public TenantImportReport importFiles(List<TenantFile> files, boolean dryRun, String actor) {
		List<TenantImportReport.Entry> entries = new ArrayList<>();
		List<Runnable> writes = new ArrayList<>();
		boolean[] written = { false };
		Map<TenantId, Tenant> imported = new LinkedHashMap<>();
		files.stream()
			.filter(TenantFile.Valid.class::isInstance)
			.map((file) -> ((TenantFile.Valid) file).tenant())
			.forEach((tenant) -> imported.putIfAbsent(tenant.id(), tenant));
		List<Tenant> toWrite = new ArrayList<>();
		this.registry.inTransaction((writer) -> {
			for (TenantFile file : files) {
				String name = file.path().getFileName().toString();
				if (file instanceof TenantFile.Invalid invalid) {
					entries.add(new TenantImportReport.Entry(name, null, TenantImportReport.Outcome.INVALID,
							List.of(invalid.reason())));
					continue;
				}
				Tenant tenant = ((TenantFile.Valid) file).tenant();
				List<String> taken = takenEmailDomains(tenant, imported);
				if (!taken.isEmpty()) {
					entries.add(entry(name, tenant, TenantImportReport.Outcome.INVALID, taken));
					continue;
				}
				Optional<Tenant> existing = this.registry.find(tenant.id());
				Optional<String> source = this.registry.configSource(tenant.id());
				if (existing.isEmpty()) {
					entries.add(entry(name, tenant, TenantImportReport.Outcome.NEW, List.of()));
					writes.add(() -> writer.upsertFromFile(tenant, false, actor, null));
					toWrite.add(tenant);
				}
				else if (existing.get().status() == TenantStatus.DELETED) {
					entries.add(entry(name, tenant, TenantImportReport.Outcome.INVALID,
							List.of("the tenant was deleted in the registry; tenant ids are never reused")));
				}
				else {
					List<String> differences = differences(existing.get(), tenant);
					if (differences.isEmpty() && "db".equals(source.orElse("db"))) {
						entries.add(entry(name, tenant, TenantImportReport.Outcome.UNCHANGED, List.of()));
					}
					else {
						entries.add(entry(name, tenant, TenantImportReport.Outcome.CHANGED, differences));
						Tenant before = existing.get();
						writes.add(() -> writer.upsertFromFile(tenant, true, actor, before));
						toWrite.add(tenant);
					}
				}
			}
			boolean invalid = entries.stream().anyMatch((e) -> e.outcome() == TenantImportReport.Outcome.INVALID);
			if (!dryRun && !invalid && !writes.isEmpty()) {
				// Domains given up first, so tenants of one import can hand domains to
				// each
				// other (even swap them) whatever the order of their files.
				toWrite.forEach(writer::releaseEmailDomains);
				writes.forEach(Runnable::run);
				written[0] = true;
			}
		});
		return new TenantImportReport(entries, dryRun, written[0]);
	}

	/**
	 * The domains a file claims that another tenant in the registry owns and keeps (it is
	 * not in this import, or its file no longer lists the domain).
	 */
	private List<String> takenEmailDomains(Tenant tenant, Map<TenantId, Tenant> imported) {
		if (tenant.status() == TenantStatus.DELETED) {
			return List.of();
		}
		List<String> taken = new ArrayList<>();
		for (String domain : tenant.config().emailDomains()) {
			Optional<Tenant> owner = this.registry.findByEmailDomain(domain);
			if (owner.isEmpty() || owner.get().id().equals(tenant.id())) {
				continue;
			}
			Tenant ownerInImport = imported.get(owner.get().id());
			boolean released = ownerInImport != null && (ownerInImport.status() == TenantStatus.DELETED
					|| !ownerInImport.config().emailDomains().contains(domain));
			if (!released) {
				taken.add("config.emailDomains: '" + domain + "' already belongs to tenant '" + owner.get().id() + "'");
			}
		}
		return taken;
	}

	private static TenantImportReport.Entry entry(String file, Tenant tenant, TenantImportReport.Outcome outcome,
			List<String> details) {
		return new TenantImportReport.Entry(file, tenant.id().value(), outcome, details);
	}

	static List<String> differences(Tenant before, Tenant after) {
		Map<String, String> old = flatten(before);
		Map<String, String> now = flatten(after);
		List<String> differences = new ArrayList<>();
		Map<String, Boolean> keys = new TreeMap<>();
		old.keySet().forEach((key) -> keys.put(key, true));
		now.keySet().forEach((key) -> keys.put(key, true));
		for (String key : keys.keySet()) {
			String was = old.get(key);
			String is = now.get(key);
			if (was == null) {
				differences.add(key + ": added " + is);
			}
			else if (is == null) {
				differences.add(key + ": removed (was " + was + ")");
			}
			else if (!was.equals(is)) {
				differences.add(key + ": " + was + " -> " + is);
			}
		}
		return differences;
	}

	private static Map<String, String> flatten(Tenant tenant) {
		Map<String, String> flat = new TreeMap<>();
		flat.put("displayName", JSON.writeValueAsString(tenant.displayName()));
		flat.put("status", tenant.status().name());
		flatten("config", TenantConfigJson.tree(tenant.config()), flat);
		return flat;
	}

	private static void flatten(String path, JsonNode node, Map<String, String> flat) {
		if (node.isObject()) {
			Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
			while (fields.hasNext()) {
				Map.Entry<String, JsonNode> field = fields.next();
				flatten(path + "." + field.getKey(), field.getValue(), flat);
			}
		}
		else if (!node.isNull()) {
			flat.put(path, node.toString());
		}
	}

}

package dev.tenancy.registry.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantRegistry;

/**
 * A read-only registry over a directory of tenant YAML files, for teams still moving off them.
 * Invalid files are logged with their reason and left out; they never stop the others loading.
 */
public final class YamlTenantSource implements TenantRegistry {

	private static final Logger logger = LoggerFactory.getLogger(YamlTenantSource.class);

	private final Path directory;

	private volatile Map<TenantId, Tenant> tenants = Map.of();

	public YamlTenantSource(Path directory) {
		this.directory = directory;
		reload();
	}

	/**
	 * Read the directory again.
	 */
	public void reload() {
		List<TenantFile> files;
		try {
			files = TenantFileReader.readDirectory(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read tenant files from " + this.directory, ex);
		}
		Map<TenantId, Tenant> loaded = new TreeMap<>();
		for (TenantFile file : files) {
			if (file instanceof TenantFile.Valid valid) {
				loaded.put(valid.tenant().id(), valid.tenant());
			}
			else if (file instanceof TenantFile.Invalid invalid) {
				logger.warn("Ignoring invalid tenant file {}: {}", invalid.path().getFileName(), invalid.reason());
			}
		}
		this.tenants = Map.copyOf(loaded);
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		return Optional.ofNullable(this.tenants.get(id));
	}

	@Override
	public List<Tenant> findAll() {
		return this.tenants.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
	}

}

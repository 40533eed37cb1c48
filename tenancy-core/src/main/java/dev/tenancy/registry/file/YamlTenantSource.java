package dev.tenancy.registry.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantRegistry;

/**
 * A read-only registry over a directory of tenant YAML files, for teams still moving off
 * them. Invalid files are logged with their reason and left out; they never stop the
 * others loading. The starter refuses to start while {@link #invalidFiles()} names any,
 * so a broken file is found at deployment rather than as a 403 for that tenant.
 */
public final class YamlTenantSource implements TenantRegistry {

	private static final Logger logger = LoggerFactory.getLogger(YamlTenantSource.class);

	private final Path directory;

	private volatile InMemoryTenantRegistry tenants = new InMemoryTenantRegistry(List.of());

	private volatile List<TenantFile.Invalid> invalid = List.of();

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
		List<Tenant> loaded = new ArrayList<>();
		List<TenantFile.Invalid> rejected = new ArrayList<>();
		for (TenantFile file : files) {
			if (file instanceof TenantFile.Valid valid) {
				loaded.add(valid.tenant());
			}
			else if (file instanceof TenantFile.Invalid invalid) {
				rejected.add(invalid);
				// the file name is anyone's text: escaped, it cannot forge log lines or
				// drive a terminal
				logger.warn("Ignoring invalid tenant file {}: {}",
						StoredText.escape(invalid.path().getFileName().toString()),
						StoredText.escape(invalid.reason()));
			}
		}
		// The reader already rejects two files for one tenant, and files that share an
		// e-mail
		// domain, so ids and domains are unique here.
		this.tenants = new InMemoryTenantRegistry(loaded);
		this.invalid = List.copyOf(rejected);
	}

	/**
	 * The files the last read rejected, with their reasons (texts from the files are not
	 * escaped: escape them before they reach a log or a terminal).
	 * @return the rejected files, empty when every file was valid
	 */
	public List<TenantFile.Invalid> invalidFiles() {
		return this.invalid;
	}

	/**
	 * @return the directory read
	 */
	public Path directory() {
		return this.directory;
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		return this.tenants.find(id);
	}

	@Override
	public List<Tenant> findAll() {
		return this.tenants.findAll();
	}

	@Override
	public Optional<Tenant> findByEmailDomain(String domain) {
		return this.tenants.findByEmailDomain(domain);
	}

}

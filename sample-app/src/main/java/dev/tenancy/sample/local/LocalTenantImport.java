package dev.tenancy.sample.local;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import dev.tenancy.registry.file.TenantFileReader;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.TenantImportReport;
import dev.tenancy.registry.jdbc.TenantImporter;

/**
 * First start of the {@code local} profile: when the tenant registry is empty, the tenant
 * files shipped in {@code classpath:tenants/} are imported (all or nothing, as the
 * importer always does) and the report's summary is logged. Once the registry has tenants
 * this does nothing, so changes made through the admin API are never overwritten.
 * <p>
 * Only for the web application: the {@code import-tenants} command does its own import.
 * Only with the JDBC registry: with {@code tenancy.registry.source=config-server} tenants
 * are managed on the config server.
 * <p>
 * The import runs once every singleton exists and before the web server starts accepting
 * connections (not as an {@code ApplicationRunner}, which runs after it): a request that
 * arrives during start-up waits for the connector, never sees a half-filled registry and
 * never gets {@code tenant_forbidden} for a shipped tenant. Readiness turns to accepting
 * traffic only after.
 */
@Component
@Profile("local")
@ConditionalOnWebApplication
@ConditionalOnProperty(name = "tenancy.registry.source", havingValue = "jdbc")
public class LocalTenantImport implements SmartInitializingSingleton {

	/** The audit trail's actor for this import. */
	public static final String ACTOR = "sample-app local first start";

	static final String LOCATION = "classpath:tenants/*.yaml";

	private static final Logger logger = LoggerFactory.getLogger(LocalTenantImport.class);

	private final JdbcTenantRegistry registry;

	public LocalTenantImport(JdbcTenantRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		try {
			importIfEmpty();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read the shipped tenant files " + LOCATION, ex);
		}
	}

	/**
	 * Imports the shipped tenant files if the registry is empty.
	 * @throws IOException if a shipped file cannot be read
	 */
	public void importIfEmpty() throws IOException {
		if (!this.registry.findAll().isEmpty()) {
			logger.debug("Tenant registry is not empty; the shipped tenant files are not imported");
			return;
		}
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
			try (InputStream in = resource.getInputStream()) {
				files.put(resource.getFilename(), in.readNBytes(TenantFileReader.MAX_FILE_SIZE + 1));
			}
		}
		TenantImportReport report;
		try {
			report = new TenantImporter(this.registry).importFiles(TenantFileReader.readAll(files), false, ACTOR);
		}
		catch (DuplicateKeyException ex) {
			// Another instance imported them at the same time; its import stands.
			logger.info("Shipped tenant files were imported concurrently by another instance");
			return;
		}
		String summary = report.describe().lines().reduce((first, second) -> second).orElse("");
		if (report.hasInvalid()) {
			logger.warn("Importing the shipped tenant files failed, nothing was imported:{}{}", System.lineSeparator(),
					report.describe());
		}
		else {
			logger.info("Empty tenant registry: imported the shipped tenant files from {}: {}", LOCATION, summary);
		}
	}

}

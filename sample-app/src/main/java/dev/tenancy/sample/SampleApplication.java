package dev.tenancy.sample;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.scheduling.annotation.EnableAsync;

import dev.tenancy.sample.cli.ImportTenantsCommand;

/**
 * A multi-tenant travel platform built on the Tenancy starter.
 * <p>
 * Every {@code /api/**} request is authenticated by a bearer JWT and tied to exactly one
 * tenant by the starter. Outside the {@code local} profile tokens come from an external
 * issuer ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); with the
 * {@code local} profile the app also runs its own authorization server with demo clients
 * (see {@link dev.tenancy.sample.local.LocalAuthorizationServerConfiguration}).
 * <p>
 * Trips live in PostgreSQL under row-level security, tenants in the PostgreSQL tenant
 * registry. {@code java -jar sample-app.jar import-tenants DIR [--dry-run]} imports
 * tenant YAML files into the registry instead of starting the server (see
 * {@link ImportTenantsCommand}).
 */
@SpringBootApplication
@EnableAsync
@EnableCaching
public class SampleApplication {

	public static void main(String[] args) {
		if (args.length > 0 && ImportTenantsCommand.NAME.equals(args[0])) {
			System.exit(ImportTenantsCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		SpringApplication.run(SampleApplication.class, args);
	}

}

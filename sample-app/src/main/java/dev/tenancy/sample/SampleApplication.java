package dev.tenancy.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A multi-tenant travel platform built on the Tenancy starter.
 * <p>
 * Every {@code /api/**} request is authenticated by a bearer JWT and tied to exactly one tenant by
 * the starter. Outside the {@code local} profile tokens come from an external issuer
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); with the {@code local} profile
 * the app also runs its own authorization server with demo clients (see
 * {@link dev.tenancy.sample.local.LocalAuthorizationServerConfiguration}).
 */
@SpringBootApplication
@EnableAsync
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

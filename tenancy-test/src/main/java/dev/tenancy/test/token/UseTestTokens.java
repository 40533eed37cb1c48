package dev.tenancy.test.token;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the application of a Spring test context trust {@link TestTokens#shared()}: sets
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and {@code jwk-set-uri}
 * ahead of every other property source, so the application's real decoder (the starter's,
 * or Spring Boot's) validates the test tokens. An application that declares its own
 * {@code JwtDecoder} bean keeps it; point that bean at {@link TestTokens#jwkSetUri()}
 * instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface UseTestTokens {

}

package dev.tenancy.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * The shared test context: the whole app on a random port with the {@code local} profile
 * (so its own authorization server issues real tokens), no {@code tenancy.admin.token},
 * plus a test-only endpoint that fails. Every class with this annotation reuses the same
 * context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
@Import(FailingEndpoint.class)
public @interface LocalAppTest {

}

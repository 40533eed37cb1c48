package dev.tenancy.test.tenant;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test (and its {@code @BeforeEach} and {@code @AfterEach} methods) as a tenant:
 * {@link dev.tenancy.context.TenantContext} and the log MDC hold the tenant while they
 * run, and the previous state is restored afterwards. On a class it applies to every test
 * of the class; on a method it wins over the class's. Works beside Spring's
 * {@code SpringExtension} ({@code @SpringBootTest}), since both are JUnit extensions.
 * <pre>
 * &#64;WithTenant("acme")
 * class TripServiceTest {
 *     &#64;Test
 *     void createsATripForTheCurrentTenant() { ... }   // runs as acme
 *     &#64;Test &#64;WithTenant("globex")
 *     void seesNoneOfAcmesTrips() { ... }             // runs as globex
 * }
 * </pre>
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WithTenantExtension.class)
public @interface WithTenant {

	/**
	 * The tenant id, a DNS label such as {@code acme}.
	 * @return the tenant id
	 */
	String value();

}

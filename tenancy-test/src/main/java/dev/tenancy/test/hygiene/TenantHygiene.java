package dev.tenancy.test.hygiene;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails every test of the class that leaves tenant state behind or touches tenant data
 * with no tenant:
 * <ul>
 * <li>a tenant still in {@link dev.tenancy.context.TenantContext} or in the log MDC when
 * the test ends (it is cleared, so the next test starts clean);
 * <li>in a Spring test: an idle pooled connection of any {@code DataSource} bean still
 * carrying the tenant setting ({@code app.tenant_id}), which is then cleared;
 * <li>in a Spring test: SQL naming a table with a {@code tenant_id} column run while no
 * tenant was current ({@link TenantSqlGuard} watches every {@code DataSource} bean of the
 * context for this).
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TenantHygieneExtension.class)
public @interface TenantHygiene {

	/**
	 * The connection setting that carries the tenant.
	 * @return the setting's name
	 */
	String setting() default "app.tenant_id";

}

package dev.tenancy.test.hygiene;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaParameterizedType;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * ArchUnit rules for applications built on Tenancy. Import them into an ArchUnit test:
 * <pre>
 * &#64;AnalyzeClasses(packages = "com.example.travel")
 * class TenancyRulesTest {
 *     &#64;ArchTest
 *     static final ArchRule tenancy = TenancyArchRules.all();
 * }
 * </pre> or check one:
 * {@code TenancyArchRules.noThreadLocalForTenantData().check(classes)}.
 */
public final class TenancyArchRules {

	// @RabbitListener is not among them: the starter's listener advice runs every
	// listener made by a container factory in its message's checked tenant.
	private static final Set<String> BACKGROUND_ENTRY_POINTS = Set.of(
			"org.springframework.scheduling.annotation.Scheduled", "org.springframework.kafka.annotation.KafkaListener",
			"org.springframework.jms.annotation.JmsListener", "org.springframework.context.event.EventListener",
			"org.springframework.transaction.event.TransactionalEventListener");

	private static final Set<String> TENANT_TYPES = Set.of("dev.tenancy.TenantId", "dev.tenancy.Tenant");

	private TenancyArchRules() {
	}

	/**
	 * Every rule of the pack.
	 * @return the rules as one
	 */
	public static ArchRule all() {
		return CompositeArchRule.of(noThreadLocalForTenantData())
			.and(noTenantSetOutsideAScope())
			.and(backgroundWorkEntersATenantScope());
	}

	/**
	 * No {@code ThreadLocal} holds tenant data (a field of a {@code ThreadLocal} type
	 * whose name mentions the tenant or whose type argument is {@code TenantId} or
	 * {@code Tenant}): {@code TenantContext} is the one place, and the only one that
	 * travels to other threads and is cleared after every request.
	 * @return the rule
	 */
	public static ArchRule noThreadLocalForTenantData() {
		return fields().that(new DescribedPredicate<JavaField>("are thread-locals") {
			@Override
			public boolean test(JavaField field) {
				return field.getRawType().isAssignableTo(ThreadLocal.class);
			}
		}).should(new ArchCondition<JavaField>("not hold tenant data (use TenantContext)") {
			@Override
			public void check(JavaField field, ConditionEvents events) {
				boolean namedTenant = field.getName().toLowerCase(Locale.ROOT).contains("tenant");
				boolean tenantType = field.getType() instanceof JavaParameterizedType parameterized
						&& parameterized.getActualTypeArguments()
							.stream()
							.map(JavaType::toErasure)
							.anyMatch((type) -> TENANT_TYPES.contains(type.getName()));
				if (namedTenant || tenantType) {
					events.add(SimpleConditionEvent.violated(field,
							field.getFullName() + " keeps tenant data in its own ThreadLocal; use TenantContext"));
				}
			}
		}).allowEmptyShould(true).as("no ThreadLocal for tenant data");
	}

	/**
	 * Nothing sets the current tenant through the context-propagation accessor by hand:
	 * application code enters a tenant with {@code TenantContext.run/call/supply}, which
	 * always restore the previous tenant.
	 * @return the rule
	 */
	public static ArchRule noTenantSetOutsideAScope() {
		return noClasses().that()
			// the library's context and the kit's test scope are where it is done
			// properly
			.resideOutsideOfPackages("dev.tenancy.context..", "dev.tenancy.test.tenant..")
			.should()
			.callMethodWhere(new DescribedPredicate<JavaMethodCall>("a setter of TenantThreadLocalAccessor") {
				@Override
				public boolean test(JavaMethodCall call) {
					return call.getTargetOwner().getName().equals("dev.tenancy.context.TenantThreadLocalAccessor")
							&& List.of("setValue", "restore").contains(call.getName());
				}
			})
			.allowEmptyShould(true)
			.as("the tenant is only set by TenantContext's scoped methods");
	}

	/**
	 * Work that starts outside a request ({@code @Scheduled}, message and event listeners
	 * other than {@code @RabbitListener}, which the starter's listener advice runs in the
	 * message's tenant) and calls a repository directly must enter a tenant scope itself
	 * ({@code TenantContext.run/call/supply}, or {@code TenantWork}'s methods) in the
	 * same method; without one, row-level security shows it nothing. Only direct calls
	 * are seen: a job that reaches the repository through a service is the service's to
	 * scope.
	 * @return the rule
	 */
	public static ArchRule backgroundWorkEntersATenantScope() {
		return methods().that(new DescribedPredicate<JavaMethod>("start work outside a request") {
			@Override
			public boolean test(JavaMethod method) {
				return BACKGROUND_ENTRY_POINTS.stream().anyMatch(method::isAnnotatedWith);
			}
		}).should(new ArchCondition<JavaMethod>("enter a tenant scope before calling a repository") {
			@Override
			public void check(JavaMethod method, ConditionEvents events) {
				boolean callsRepository = method.getMethodCallsFromSelf()
					.stream()
					.anyMatch((call) -> isRepository(call.getTargetOwner()));
				boolean entersScope = method.getMethodCallsFromSelf()
					.stream()
					.anyMatch(TenancyArchRules::entersATenantScope);
				if (callsRepository && !entersScope) {
					events.add(SimpleConditionEvent.violated(method, method.getFullName()
							+ " calls a repository outside any tenant scope; wrap the work in TenantContext.run"));
				}
			}
		}).allowEmptyShould(true).as("background work enters a tenant scope before calling a repository");
	}

	/**
	 * {@code TenantContext.run/call/supply}, or {@code TenantWork}'s, which check the
	 * tenant first.
	 */
	private static boolean entersATenantScope(JavaMethodCall call) {
		String owner = call.getTargetOwner().getName();
		return (owner.equals("dev.tenancy.context.TenantContext")
				&& List.of("run", "call", "supply").contains(call.getName()))
				|| (owner.equals("dev.tenancy.context.TenantWork")
						&& List.of("run", "call", "supply", "forEachActiveTenant").contains(call.getName()));
	}

	static boolean isRepository(JavaClass type) {
		return type.getSimpleName().endsWith("Repository")
				|| type.isAnnotatedWith("org.springframework.stereotype.Repository")
				|| type.isAssignableTo("org.springframework.data.repository.Repository");
	}

}

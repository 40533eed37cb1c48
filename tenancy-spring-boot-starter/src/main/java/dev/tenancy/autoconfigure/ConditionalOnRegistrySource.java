package dev.tenancy.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code tenancy.registry.source} selects the given registry, bound through
 * the {@link Binder} like the property itself (as Spring Boot's {@code CacheCondition}
 * does), so {@code config-server}, {@code CONFIG_SERVER} and {@code Config_Server} all
 * select the same one. Unset selects {@code properties}. An invalid value matches nothing
 * here but {@link InvalidSourceCondition}, whose registry fails start-up listing the
 * valid values.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(ConditionalOnRegistrySource.OnRegistrySourceCondition.class)
@interface ConditionalOnRegistrySource {

	/**
	 * @return the registry source that must be selected
	 */
	TenancyRegistryProperties.Source value();

	/** The property. */
	String PROPERTY = "tenancy.registry.source";

	/**
	 * The condition.
	 */
	final class OnRegistrySourceCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			TenancyRegistryProperties.Source wanted = (TenancyRegistryProperties.Source) metadata
				.getAnnotationAttributes(ConditionalOnRegistrySource.class.getName())
				.get("value");
			ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnRegistrySource.class, wanted);
			TenancyRegistryProperties.Source selected;
			try {
				selected = Binder.get(context.getEnvironment())
					.bind(PROPERTY, TenancyRegistryProperties.Source.class)
					.orElse(TenancyRegistryProperties.Source.PROPERTIES);
			}
			catch (BindException ex) {
				return ConditionOutcome.noMatch(message.because("invalid " + PROPERTY));
			}
			return (selected == wanted) ? ConditionOutcome.match(message.because(PROPERTY + " is " + selected))
					: ConditionOutcome.noMatch(message.because(PROPERTY + " is " + selected));
		}

	}

	/**
	 * Matches when {@code tenancy.registry.source} is set to something that is no
	 * registry source.
	 */
	final class InvalidSourceCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Invalid " + PROPERTY);
			try {
				Binder.get(context.getEnvironment()).bind(PROPERTY, TenancyRegistryProperties.Source.class);
				return ConditionOutcome.noMatch(message.because("valid or unset"));
			}
			catch (BindException ex) {
				return ConditionOutcome.match(message.because("it names no registry source"));
			}
		}

	}

}

package dev.tenancy.test.hygiene;

import java.util.List;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registers {@link TenantSqlGuard} in the contexts of {@link TenantHygiene} test classes.
 */
final class TenantHygieneContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, TenantHygiene.class) ? new Customizer() : null;
	}

	/** Equal to every other instance, so annotated classes share a cached context. */
	static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			RootBeanDefinition guard = new RootBeanDefinition(TenantSqlGuard.class);
			guard.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition(TenantSqlGuard.class.getName(),
					guard);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}

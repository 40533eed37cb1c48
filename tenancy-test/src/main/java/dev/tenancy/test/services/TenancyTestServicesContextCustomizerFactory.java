package dev.tenancy.test.services;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import dev.tenancy.test.TestServices;

/**
 * Applies {@link TenancyTestServices}: does nothing for test classes without it.
 */
final class TenancyTestServicesContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		TenancyTestServices annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				TenancyTestServices.class);
		if (annotation == null) {
			return null;
		}
		return new Customizer(annotation.postgres(), annotation.redis(), ContainerEngine.available());
	}

	record Customizer(boolean postgres, boolean redis, boolean containers) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			if (this.containers) {
				((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition(
						TenancyServiceConnections.class.getName(),
						new RootBeanDefinition(TenancyServiceConnections.class));
				return;
			}
			Map<String, Object> properties = new LinkedHashMap<>(ServerProperties.of(this.postgres, this.redis));
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("tenancyTestServices", properties));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Customizer customizer && customizer.postgres == this.postgres
					&& customizer.redis == this.redis && customizer.containers == this.containers;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.postgres, this.redis, this.containers);
		}

	}

	/**
	 * The properties naming the servers of {@link TestServices} (environment variables),
	 * or the failure saying how to provide them.
	 */
	static final class ServerProperties {

		private ServerProperties() {
		}

		static Map<String, String> of(boolean postgres, boolean redis) {
			Map<String, String> properties = new LinkedHashMap<>();
			if (postgres) {
				properties.put("spring.datasource.url", TestServices.postgres().jdbcUrl());
			}
			if (redis) {
				String url = TestServices.redisUrl();
				properties.put("spring.data.redis.url", url);
				properties.put("tenancy.rate-limit.redis.url", url);
			}
			return properties;
		}

	}

}

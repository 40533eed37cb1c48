package dev.tenancy.autoconfigure;

import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.tenancy.web.ErrorPageProblemFilter;

/**
 * The management server on its own port ({@code management.server.port}) is a separate
 * web server with its own error page: it gets the same problem+json error answers as the
 * application.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "tenancy.errors.enabled", matchIfMissing = true)
class TenancyErrorsManagementContextConfiguration {

	@Bean
	FilterRegistrationBean<ErrorPageProblemFilter> tenancyManagementErrorPageFilter(Environment environment) {
		return TenancyErrorsAutoConfiguration.errorPageFilter(environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, ConfigurableTomcatWebServerFactory.class })
	static class TomcatErrorReportConfiguration {

		@Bean
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tenancyManagementTomcatErrorReportCustomizer() {
			return TenancyErrorsAutoConfiguration::installProblemErrorReportValve;
		}

	}

}

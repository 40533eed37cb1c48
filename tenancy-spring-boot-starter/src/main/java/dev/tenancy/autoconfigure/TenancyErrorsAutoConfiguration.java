package dev.tenancy.autoconfigure;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.tenancy.web.ErrorPageProblemFilter;
import dev.tenancy.web.InternalErrorExceptionResolver;
import dev.tenancy.web.InternalErrorFilter;
import dev.tenancy.web.ProblemDetailAdvice;
import dev.tenancy.web.ProblemErrorReportValve;
import dev.tenancy.web.RequestIdFilter;

/**
 * Every error answer of the application is problem+json with a stable code, the security
 * headers and fixed text only, wherever it is decided: the error page
 * ({@code spring.web.error.path}) answered by {@link ErrorPageProblemFilter} instead of
 * Spring Boot's error controller, Tomcat's own error report replaced by
 * {@link ProblemErrorReportValve}, and {@code ProblemDetail} bodies kept free of the
 * request path ({@link ProblemDetailAdvice}), and every unhandled exception answered by
 * {@link InternalErrorFilter} and {@link InternalErrorExceptionResolver} (a generic 500,
 * or 503 {@code database_unavailable} when the database is away), with Spring MVC's
 * client-disconnect guess limited to real disconnects. The management server on its own
 * port gets the same through {@link TenancyErrorsManagementContextConfiguration}. Off
 * with {@code tenancy.errors.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "tenancy.errors.enabled", matchIfMissing = true)
public final class TenancyErrorsAutoConfiguration {

	/**
	 * Order of the error page filter: ahead of Spring Security, whose decision was taken
	 * on the request that failed and must not turn an error dispatch into another error.
	 */
	public static final int ERROR_PAGE_FILTER_ORDER = TenancyFilterOrders.ERROR_PAGE;

	/**
	 * Order of the internal-error safety net: outside everything but the observation
	 * filter. It does not depend on {@code tenancy.enabled}: an application that runs
	 * without tenant isolation (the config server) still must never answer 2xx for a
	 * write that failed, nor 500 for a database that is down.
	 */
	public static final int INTERNAL_ERROR_FILTER_ORDER = TenancyFilterOrders.INTERNAL_ERROR;

	@Bean
	@ConditionalOnMissingBean(name = "tenancyErrorPageFilter")
	FilterRegistrationBean<ErrorPageProblemFilter> tenancyErrorPageFilter(Environment environment) {
		return errorPageFilter(environment);
	}

	/**
	 * The request id of every request (MDC {@code request_id}, {@code X-Request-ID}
	 * response header): the field that ties an error answer to its log lines. Registered
	 * with the error handling because it does not depend on {@code tenancy.enabled}
	 * either (the config server has it too).
	 * @return the registration
	 */
	@Bean
	@ConditionalOnMissingBean(name = "tenancyRequestIdFilter")
	FilterRegistrationBean<RequestIdFilter> tenancyRequestIdFilter() {
		FilterRegistrationBean<RequestIdFilter> registration = new FilterRegistrationBean<>(new RequestIdFilter());
		registration.setOrder(TenancyFilterOrders.REQUEST_ID);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean(name = "tenancyInternalErrorFilter")
	FilterRegistrationBean<InternalErrorFilter> tenancyInternalErrorFilter() {
		FilterRegistrationBean<InternalErrorFilter> registration = new FilterRegistrationBean<>(
				new InternalErrorFilter());
		registration.setOrder(TenancyFilterOrders.INTERNAL_ERROR);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	InternalErrorExceptionResolver internalErrorExceptionResolver() {
		return new InternalErrorExceptionResolver();
	}

	@Bean
	@ConditionalOnClass(name = "org.springframework.web.servlet.config.annotation.WebMvcConfigurer")
	@ConditionalOnMissingBean
	DisconnectAwareExceptionResolverConfigurer disconnectAwareExceptionResolverConfigurer() {
		return new DisconnectAwareExceptionResolverConfigurer();
	}

	@Bean
	@ConditionalOnMissingBean
	ProblemDetailAdvice tenancyProblemDetailAdvice() {
		return new ProblemDetailAdvice();
	}

	static FilterRegistrationBean<ErrorPageProblemFilter> errorPageFilter(Environment environment) {
		FilterRegistrationBean<ErrorPageProblemFilter> registration = new FilterRegistrationBean<>(
				new ErrorPageProblemFilter());
		registration.addUrlPatterns(environment.getProperty("spring.web.error.path", "/error"));
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
		registration.setOrder(TenancyFilterOrders.ERROR_PAGE);
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, ConfigurableTomcatWebServerFactory.class })
	static class TomcatErrorReportConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "tenancyTomcatErrorReportCustomizer")
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tenancyTomcatErrorReportCustomizer() {
			return TenancyErrorsAutoConfiguration::installProblemErrorReportValve;
		}

	}

	/**
	 * Puts {@link ProblemErrorReportValve} on the host in place of any other error report
	 * valve (Spring Boot adds one that hides the report), and names it the host's error
	 * report valve class so that Tomcat does not add its HTML one at start-up.
	 * @param factory the Tomcat factory
	 */
	static void installProblemErrorReportValve(ConfigurableTomcatWebServerFactory factory) {
		factory.addContextCustomizers((context) -> {
			Container parent = context.getParent();
			if (!(parent instanceof StandardHost host)) {
				return;
			}
			for (Valve valve : host.getPipeline().getValves()) {
				if (valve instanceof ErrorReportValve) {
					host.getPipeline().removeValve(valve);
				}
			}
			host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
			host.getPipeline().addValve(new ProblemErrorReportValve());
		});
	}

}

package dev.tenancy.autoconfigure;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

import dev.tenancy.web.RequestBodyLimitFilter;

/**
 * The request body size limit ({@code tenancy.web.max-request-body-size}), for every
 * servlet application on the starter, whether or not tenant isolation is on.
 * <p>
 * The filter runs right after Spring Security's filter chain, so its 413 carries the
 * security headers like every other answer; nothing before it reads request bodies except
 * an authorization server's own endpoints, whose form bodies the container's limit
 * bounds.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(TenancyWebProperties.class)
public final class TenancyWebLimitsAutoConfiguration {

	/**
	 * Order of the body limit filter ({@link TenancyFilterOrders#REQUEST_BODY_LIMIT}).
	 */
	public static final int BODY_LIMIT_FILTER_ORDER = TenancyFilterOrders.REQUEST_BODY_LIMIT;

	@Bean
	@ConditionalOnMissingBean(name = "tenancyRequestBodyLimitFilter")
	FilterRegistrationBean<RequestBodyLimitFilter> tenancyRequestBodyLimitFilter(TenancyWebProperties properties) {
		FilterRegistrationBean<RequestBodyLimitFilter> registration = new FilterRegistrationBean<>(
				new RequestBodyLimitFilter(properties.maxRequestBodySize().toBytes()));
		registration.setOrder(TenancyFilterOrders.REQUEST_BODY_LIMIT);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

}

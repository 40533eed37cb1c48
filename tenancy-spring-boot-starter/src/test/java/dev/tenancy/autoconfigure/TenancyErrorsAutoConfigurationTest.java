package dev.tenancy.autoconfigure;

import java.util.Arrays;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import dev.tenancy.web.ErrorPageProblemFilter;
import dev.tenancy.web.ProblemDetailAdvice;
import dev.tenancy.web.ProblemErrorReportValve;

import static org.assertj.core.api.Assertions.assertThat;

class TenancyErrorsAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyErrorsAutoConfiguration.class));

	@Test
	void errorPageFilterRunsFirstOnTheErrorPageForRequestAndErrorDispatches() {
		this.runner.run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("tenancyErrorPageFilter",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isInstanceOf(ErrorPageProblemFilter.class);
			assertThat(registration.getUrlPatterns()).containsExactly("/error");
			assertThat(registration.getOrder()).isLessThan(-100);
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
					DispatcherType.ERROR);
			assertThat(context).hasSingleBean(ProblemDetailAdvice.class);
		});
	}

	@Test
	void followsTheConfiguredErrorPath() {
		this.runner.withPropertyValues("spring.web.error.path=/oops")
			.run((context) -> assertThat(
					context.getBean("tenancyErrorPageFilter", FilterRegistrationBean.class).getUrlPatterns())
				.containsExactly("/oops"));
	}

	@Test
	void switchedOffByProperty() {
		this.runner.withPropertyValues("tenancy.errors.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean("tenancyErrorPageFilter");
			assertThat(context).doesNotHaveBean(ProblemDetailAdvice.class);
			assertThat(context).doesNotHaveBean("tenancyTomcatErrorReportCustomizer");
		});
	}

	@Test
	void notForNonWebApplications() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TenancyErrorsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("tenancyErrorPageFilter"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void tomcatHostGetsTheProblemValveInPlaceOfAnyOther() {
		this.runner.run((context) -> {
			WebServerFactoryCustomizer<TomcatServletWebServerFactory> customizer = context
				.getBean("tenancyTomcatErrorReportCustomizer", WebServerFactoryCustomizer.class);
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			customizer.customize(factory);
			StandardHost host = new StandardHost();
			ErrorReportValve boots = new ErrorReportValve();
			host.getPipeline().addValve(boots);
			StandardContext tomcatContext = new StandardContext();
			tomcatContext.setName("");
			tomcatContext.setPath("");
			host.addChild(tomcatContext);
			for (TomcatContextCustomizer contextCustomizer : factory.getContextCustomizers()) {
				contextCustomizer.customize(tomcatContext);
			}
			Valve[] valves = host.getPipeline().getValves();
			assertThat(Arrays.stream(valves).filter(ErrorReportValve.class::isInstance)).singleElement()
				.isInstanceOf(ProblemErrorReportValve.class);
			assertThat(host.getErrorReportValveClass()).isEqualTo(ProblemErrorReportValve.class.getName());
		});
	}

}

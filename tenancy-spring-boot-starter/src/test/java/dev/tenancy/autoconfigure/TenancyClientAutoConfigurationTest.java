package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import dev.tenancy.client.TenantCredentialsInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's {@code RestClient} and {@code RestTemplate} builders get the credentials
 * interceptor by adding the starter; an application's own interceptor bean replaces it,
 * and without Boot's client support nothing is added.
 */
class TenancyClientAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class,
				TenancyClientAutoConfiguration.class));

	static List<ClientHttpRequestInterceptor> interceptorsOf(RestClient.Builder builder) {
		List<ClientHttpRequestInterceptor> found = new ArrayList<>();
		builder.requestInterceptors(found::addAll);
		return found;
	}

	@Test
	void bootsBuildersGetTheInterceptor() {
		this.runner.withPropertyValues("tenancy.client.forward-to=https://billing.internal/api/").run((context) -> {
			assertThat(context).hasNotFailed();
			TenantCredentialsInterceptor interceptor = context.getBean(TenantCredentialsInterceptor.class);
			assertThat(interceptorsOf(context.getBean(RestClient.Builder.class))).containsExactly(interceptor);
			assertThat(context.getBean(RestTemplateBuilder.class).build().getInterceptors()).contains(interceptor);
			assertThat(context.getBean(TenancyClientProperties.class).forwardTo()).extracting(Object::toString)
				.containsExactly("https://billing.internal/api/");
		});
	}

	@Test
	void anApplicationsOwnInterceptorIsUsed() {
		TenantCredentialsInterceptor own = new TenantCredentialsInterceptor(List.of(), List.of(), List.of("X-Tenant"));
		this.runner.withBean(TenantCredentialsInterceptor.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(TenantCredentialsInterceptor.class);
			assertThat(interceptorsOf(context.getBean(RestClient.Builder.class))).containsExactly(own);
		});
	}

	@Test
	void nothingWhenTurnedOffOrWithoutBootsClientSupport() {
		this.runner.withPropertyValues("tenancy.client.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TenantCredentialsInterceptor.class);
			assertThat(interceptorsOf(context.getBean(RestClient.Builder.class))).isEmpty();
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TenancyClientAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.restclient."))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(TenantCredentialsInterceptor.class);
			});
	}

	@Test
	void aClientCredentialsRegistrationWithoutAnAuthorizedClientManagerFailsAtStartUp() {
		this.runner.withPropertyValues("tenancy.client.registration-id=downstream")
			.run((context) -> assertThat(context).hasFailed());
	}

}

package dev.tenancy.sample;

import java.net.http.HttpResponse;

import com.nimbusds.jose.jwk.source.JWKSource;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;

/**
 * Without the {@code local} profile (and with no issuer configured) there is no
 * authorization server, no demo client, no signing key and no token decoder: tokens are
 * neither issued nor accepted, and HSTS is on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DefaultProfileTest {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	Environment environment;

	@Autowired
	@Qualifier("springSecurityFilterChain")
	Filter springSecurityFilterChain;

	Api api() {
		return new Api(this.port);
	}

	@Test
	void noAuthorizationServerBeans() {
		assertThat(this.environment.getActiveProfiles()).isEmpty();
		assertThat(this.context.getBeanNamesForType(RegisteredClientRepository.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(AuthorizationServerSettings.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(JWKSource.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(OAuth2TokenCustomizer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(JwtDecoder.class)).isEmpty();
		assertThat(this.environment.getProperty("sample.local-issuer")).isNull();
	}

	@Test
	void tokenEndpointDoesNotIssueTokens() {
		HttpResponse<String> basic = api().tokenRequestBasic("acme-client", "acme-secret",
				"grant_type=client_credentials");
		HttpResponse<String> post = api()
			.tokenRequestPost("grant_type=client_credentials&client_id=ops-client&client_secret=ops-secret");

		for (HttpResponse<String> response : new HttpResponse[] { basic, post }) {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.body()).doesNotContain("access_token");
			assertThat(Api.code(response)).isEqualTo("unauthorized");
		}
	}

	@Test
	void noKeysOrMetadataArePublished() {
		assertThat(api().get("/oauth2/jwks").statusCode()).isEqualTo(401);
		assertThat(api().get("/.well-known/oauth-authorization-server").statusCode()).isEqualTo(401);
		assertThat(api().get("/.well-known/openid-configuration").statusCode()).isEqualTo(401);
	}

	@Test
	void everyApiRequestIsRefusedWithoutAnIssuer() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				"Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnRfaWQiOiJhY21lIn0.", "X-Client-ID", "acme");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(Api.code(response)).isEqualTo("unauthorized");
	}

	@Test
	void healthIsPublic() {
		assertThat(Api.management(this.context).get("/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void hstsIsSentOverHttps() throws Exception {
		MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) this.context)
			.addFilters(this.springSecurityFilterChain)
			.build();

		mvc.perform(get("/actuator/health").secure(true))
			.andExpect(header().string("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains"));
		mvc.perform(get("/actuator/health").secure(false))
			.andExpect(header().doesNotExist("Strict-Transport-Security"));
	}

}

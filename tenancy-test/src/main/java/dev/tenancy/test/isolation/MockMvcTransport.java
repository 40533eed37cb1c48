package dev.tenancy.test.isolation;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.tenancy.test.token.TenantRequests;

/**
 * An {@link HttpTransport} through MockMvc: no server, the application's whole filter
 * chain (Spring Security with its real decoder, the tenant filter) all the same.
 */
public final class MockMvcTransport {

	private MockMvcTransport() {
	}

	/**
	 * Requests authenticated with {@link TenantRequests#asTenant(String)}.
	 * @param mvc the MockMvc of the application
	 * @return the transport
	 */
	public static HttpTransport of(MockMvc mvc) {
		return of(mvc, TenantRequests::asTenant);
	}

	/**
	 * Requests authenticated by your own post-processor.
	 * @param mvc the MockMvc of the application
	 * @param asTenant the post-processor for a tenant
	 * @return the transport
	 */
	public static HttpTransport of(MockMvc mvc, Function<String, RequestPostProcessor> asTenant) {
		return (method, path, tenant, jsonBody) -> {
			MockHttpServletRequestBuilder request = MockMvcRequestBuilders.request(HttpMethod.valueOf(method), path)
				.with(asTenant.apply(tenant));
			if (jsonBody != null) {
				request.contentType(MediaType.APPLICATION_JSON).content(jsonBody);
			}
			try {
				MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
				return new HttpTransport.Response(response.getStatus(),
						response.getContentAsString(StandardCharsets.UTF_8), response.getHeader("Location"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(method + " " + path + " failed: " + ex.getMessage(), ex);
			}
		};
	}

}

package dev.tenancy.configserver;

import java.net.http.HttpResponse;

/** Public door to the package-private {@link Http} helpers, for tests in sub-packages. */
public final class HttpAccess {

	private HttpAccess() {
	}

	public static HttpResponse<String> get(int port, String rawPath, String authorization) {
		return Http.get(port, rawPath, authorization);
	}

	public static String basic(String user, String password) {
		return Http.basic(user, password);
	}

}

package dev.tenancy.sample;

import java.net.URI;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.test.TcpProxy;
import dev.tenancy.test.TestServices;

/**
 * A third instance of the app on the same database and Redis, started by hand once per
 * test JVM, whose Redis connections (the rate limiter's and the search cache's) run
 * through a {@link TcpProxy}: {@link #redis()}{@code .cut()} takes Redis away from this
 * instance only (its connections are closed and new ones are refused) while the other
 * instances keep it, and {@code restore()} gives it back. Between outages it is a normal
 * instance. It stops with the JVM.
 */
final class ThirdInstance {

	private static TcpProxy proxy;

	private static ConfigurableApplicationContext context;

	private ThirdInstance() {
	}

	static synchronized ConfigurableApplicationContext context() {
		if (context == null) {
			URI redis = TestServices.redisUri();
			proxy = new TcpProxy(redis.getHost(), redis.getPort());
			context = new SpringApplicationBuilder(SampleApplication.class).profiles("local")
				.run(TestDatabase.args("server.port=0",
						"tenancy.rate-limit.redis.url=redis://" + proxy.host() + ":" + proxy.port(),
						"spring.data.redis.url=redis://" + proxy.host() + ":" + proxy.port()));
		}
		return context;
	}

	/**
	 * @return the proxy between this instance and Redis
	 */
	static synchronized TcpProxy redis() {
		context();
		return proxy;
	}

	static int port() {
		return context().getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	static Api api() {
		return new Api(port());
	}

}

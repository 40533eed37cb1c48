package dev.tenancy.sample.config;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application's {@link ObservationRegistry}, for an object made in Spring Boot's
 * bootstrap context before that registry exists: the Config client's
 * {@code RestTemplate}. Until the application context is running it is the no-op registry
 * (the fetch at start-up has no trace to join: no tracer exists yet); from then on every
 * call is the application's registry, so a fetch on refresh is an HTTP client observation
 * in the current trace and carries its {@code traceparent} to the config server.
 */
final class ApplicationObservationRegistry implements ObservationRegistry {

	private volatile ConfigurableApplicationContext context;

	private volatile ObservationRegistry application;

	/**
	 * Use the registry of this application once it runs.
	 * @param context the application's context (told when the bootstrap context closes)
	 */
	void use(ConfigurableApplicationContext context) {
		this.context = context;
	}

	private ObservationRegistry delegate() {
		ObservationRegistry application = this.application;
		if (application != null) {
			return application;
		}
		ConfigurableApplicationContext context = this.context;
		// Only a running context: beans are never created from here while it starts.
		if (context == null || !context.isRunning()) {
			return ObservationRegistry.NOOP;
		}
		application = context.getBeanProvider(ObservationRegistry.class).getIfUnique(() -> ObservationRegistry.NOOP);
		this.application = application;
		return application;
	}

	@Override
	public Observation getCurrentObservation() {
		return delegate().getCurrentObservation();
	}

	@Override
	public Observation.Scope getCurrentObservationScope() {
		return delegate().getCurrentObservationScope();
	}

	@Override
	public void setCurrentObservationScope(Observation.Scope current) {
		delegate().setCurrentObservationScope(current);
	}

	@Override
	public ObservationConfig observationConfig() {
		return delegate().observationConfig();
	}

	@Override
	public boolean isNoop() {
		return delegate().isNoop();
	}

}

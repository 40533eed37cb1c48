package dev.tenancy.web;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;
import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryUnavailableException;
import dev.tenancy.resolve.CompositeTenantResolver;
import dev.tenancy.resolve.TenantResolutionException;

/**
 * Ties every non-exempt request to exactly one tenant that the caller may use, or refuses
 * it.
 * <p>
 * It runs after authentication. Resolution (syntax and agreement of all sources) comes
 * first, so malformed ids never reach the registry. An unknown, deleted or not-granted
 * tenant all answer the same {@code tenant_forbidden} body, so ids cannot be probed. The
 * tenant is put in {@link TenantContext} (and with it the MDC) and on the request for the
 * whole chain, and removed in {@code finally}.
 * <p>
 * Admission is observed as {@value #OBSERVATION} (a span inside the request's, around
 * resolution and the registry lookup), with the low-cardinality key {@code outcome}
 * ({@code admitted} or the refusal's error code) and, once resolved, the tenant id as a
 * high-cardinality key (spans only).
 */
public final class TenantIsolationFilter extends OncePerRequestFilter {

	/** Request attribute holding the resolved {@link Tenant}. */
	public static final String TENANT_ATTRIBUTE = TenantIsolationFilter.class.getName() + ".tenant";

	/** Name of the observation of a request's admission. */
	public static final String OBSERVATION = "tenancy.tenant.resolution";

	private static final Logger logger = LoggerFactory.getLogger(TenantIsolationFilter.class);

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private final CompositeTenantResolver resolver;

	private final TenantRegistry registry;

	private final RequestPaths exemptPaths;

	private final List<TenantRequestListener> listeners;

	private TenantRequestMetrics metrics = TenantRequestMetrics.NONE;

	/**
	 * Create the filter.
	 * @param resolver decides the request's tenant
	 * @param registry looks tenants up
	 * @param exemptPaths path patterns that need no tenant
	 * @param listeners told about each request's tenant (metrics, tracing)
	 */
	public TenantIsolationFilter(CompositeTenantResolver resolver, TenantRegistry registry, List<String> exemptPaths,
			List<TenantRequestListener> listeners) {
		this.resolver = resolver;
		this.registry = registry;
		this.exemptPaths = new RequestPaths(exemptPaths);
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Observe admissions with this registry (the default observes nothing).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = (observationRegistry != null) ? observationRegistry : ObservationRegistry.NOOP;
	}

	/**
	 * Where the outcome of each request is counted.
	 * @param metrics the metrics (default: none)
	 */
	public void setMetrics(TenantRequestMetrics metrics) {
		this.metrics = (metrics != null) ? metrics : TenantRequestMetrics.NONE;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return this.exemptPaths.matches(request);
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// An async dispatch continues a request already counted.
		boolean count = !isAsyncDispatch(request);
		Tenant tenant;
		Attempt attempt = new Attempt();
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observationRegistry)
			.contextualName("tenant resolution")
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			tenant = admit(request, observation, attempt);
			observation.lowCardinalityKeyValue("outcome", "admitted");
		}
		catch (TenantResolutionException ex) {
			logger.debug("Request refused: {}", ex.error().code());
			observation.lowCardinalityKeyValue("outcome", ex.error().code());
			observation.stop();
			if (count) {
				this.metrics.request(attempt.id, attempt.known, outcome(ex.error()));
			}
			reject(response, ex.error());
			return;
		}
		catch (TenantRegistryUnavailableException ex) {
			observation.lowCardinalityKeyValue("outcome", TenancyError.REGISTRY_UNAVAILABLE.code());
			observation.error(ex);
			observation.stop();
			if (count) {
				this.metrics.request(attempt.id, false, "unavailable");
			}
			logger.warn("Tenant registry unavailable: {}", ex.getMessage());
			ServiceUnavailable.write(response, TenancyError.REGISTRY_UNAVAILABLE);
			return;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		observation.stop();
		request.setAttribute(TENANT_ATTRIBUTE, tenant);
		try {
			TenantContext.call(tenant.id(), () -> {
				// Inside the scope: the line carries tenant_id as an MDC field, not in
				// its text.
				logger.debug("Request admitted: {} {}", request.getMethod(), request.getRequestURI());
				this.listeners.forEach((listener) -> listener.onTenant(request, tenant));
				chain.doFilter(request, response);
				return null;
			});
			if (count) {
				// the rate-limit filter runs inside this one
				this.metrics.request(tenant.id().value(), true,
						(response.getStatus() == 429) ? "rate_limited" : "served");
			}
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ServletException(ex);
		}
	}

	private Tenant admit(HttpServletRequest request, Observation observation, Attempt attempt) {
		Optional<TenantId> id = this.resolver.resolve(request);
		if (id.isEmpty()) {
			throw new TenantResolutionException(TenancyError.TENANT_REQUIRED);
		}
		observation.highCardinalityKeyValue(TenantContext.MDC_KEY, id.get().value());
		attempt.id = id.get().value();
		Tenant tenant = this.registry.find(id.get()).orElse(null);
		if (tenant == null || tenant.status() == TenantStatus.DELETED) {
			throw new TenantResolutionException(TenancyError.TENANT_FORBIDDEN);
		}
		attempt.known = true;
		if (tenant.status() == TenantStatus.SUSPENDED) {
			throw new TenantResolutionException(TenancyError.TENANT_SUSPENDED);
		}
		return tenant;
	}

	private static String outcome(TenancyError error) {
		return switch (error) {
			case TENANT_REQUIRED -> "required";
			case TENANT_INVALID -> "invalid";
			case TENANT_MISMATCH -> "mismatch";
			case TENANT_SUSPENDED -> "suspended";
			case TENANT_FORBIDDEN -> "forbidden";
			default -> error.code();
		};
	}

	/** What is known of a request's tenant when it is refused. */
	private static final class Attempt {

		private String id;

		private boolean known;

	}

	private static void reject(HttpServletResponse response, TenancyError error) throws IOException {
		ProblemResponses.write(response, error);
	}

}

package dev.tenancy.test.isolation;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.tenancy.test.tenant.TenantScope;

/**
 * Probes a cached method (a {@code @Cacheable} one, say): calls it as the owner (which
 * fills the cache), then as the intruder, then as the owner again, and checks that each
 * call answered with its own tenant's value, so no cached value crossed tenants in either
 * direction. What makes a value a tenant's is for the test to say ({@link #ownedBy}): a
 * tenant id in it, usually. <pre>
 * CacheProbe.named("ProfileService.profile")
 *     .call(() -&gt; profiles.profile("settings"))
 *     .ownedBy(Profile::tenant);
 * </pre>
 */
public final class CacheProbe implements Probe {

	private final String name;

	private Supplier<?> call;

	private Function<Object, String> ownerOf;

	private CacheProbe(String name) {
		this.name = name;
	}

	/**
	 * Probe a cached method.
	 * @param name the name in the report
	 * @return the probe
	 */
	public static CacheProbe named(String name) {
		return new CacheProbe(name);
	}

	/**
	 * The call to the cached method, with the same arguments for every tenant (so the
	 * cache key differs only if the cache puts the tenant in it).
	 * @param call calls the method
	 * @return this
	 */
	public CacheProbe call(Supplier<?> call) {
		this.call = call;
		return this;
	}

	/**
	 * Which tenant a value belongs to.
	 * @param <T> the value type
	 * @param ownerOf gives the tenant id of a value
	 * @return this
	 */
	@SuppressWarnings("unchecked")
	public <T> CacheProbe ownedBy(Function<T, String> ownerOf) {
		this.ownerOf = (Function<Object, String>) ownerOf;
		return this;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void probe(String owner, String intruder, Findings findings) {
		Objects.requireNonNull(this.call, "CacheProbe needs call(...)");
		Objects.requireNonNull(this.ownerOf, "CacheProbe needs ownedBy(...)");
		check("first call", owner, findings);
		check("cached call", owner, findings);
		check("call", intruder, findings);
		check("call after the intruder's", owner, findings);
	}

	private void check(String operation, String tenant, Findings findings) {
		Object value;
		try (TenantScope scope = TenantScope.enter(tenant)) {
			value = this.call.get();
		}
		String belongsTo = (value != null) ? this.ownerOf.apply(value) : null;
		if (tenant.equals(belongsTo)) {
			findings.isolated(operation + " as " + tenant, "got " + tenant + "'s value");
		}
		else {
			findings.leaked(operation + " as " + tenant,
					"got " + ((belongsTo != null) ? belongsTo + "'s value" : "no tenant's value") + ": " + value);
		}
	}

}

package dev.tenancy.configserver.console;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;

/**
 * A tenant as the console's form shows and posts it: every value as the operator typed
 * it, validated only when it becomes a configuration ({@link TenantForms}).
 *
 * @param id the tenant id (only when creating)
 * @param displayName the display name
 * @param plan the plan
 * @param limit requests per window
 * @param window the window, such as {@code 1m} or {@code PT1M}
 * @param burst the bucket capacity, empty for the limit
 * @param perUserLimit requests per window for one user
 * @param perUserWindow that window
 * @param costs route class costs, one {@code name=tokens} a line
 * @param features features, separated by commas or spaces
 * @param emailDomains e-mail domains, separated by commas or spaces
 * @param locale an IETF language tag
 * @param attributes attributes, one {@code name=value} a line
 * @param version the version the operator read (the {@code If-Match} of the API)
 */
public record TenantForm(String id, String displayName, String plan, String limit, String window, String burst,
		String perUserLimit, String perUserWindow, String costs, String features, String emailDomains, String locale,
		String attributes, Long version) {

	/**
	 * An empty form, for a new tenant.
	 * @return the form
	 */
	static TenantForm empty() {
		return new TenantForm("", "", "", "", "", "", "", "", "", "", "", "", "", null);
	}

	/**
	 * The form of a stored tenant.
	 * @param tenant the tenant
	 * @return the form
	 */
	static TenantForm of(Tenant tenant) {
		TenantConfig config = tenant.config();
		TenantConfig.RateLimit rate = config.rateLimit();
		TenantConfig.UserLimit perUser = (rate != null) ? rate.perUser() : null;
		return new TenantForm(tenant.id().value(), tenant.displayName(), text(config.plan()),
				(rate != null) ? String.valueOf(rate.limit()) : "", (rate != null) ? rate.window().toString() : "",
				(rate != null && rate.burst() != rate.limit()) ? String.valueOf(rate.burst()) : "",
				(perUser != null) ? String.valueOf(perUser.limit()) : "",
				(perUser != null) ? perUser.window().toString() : "",
				(rate != null) ? lines(new TreeMap<>(rate.costs())) : "", String.join(", ", config.features()),
				String.join(", ", config.emailDomains()), text(config.locale()),
				lines(new TreeMap<>(config.attributes())), tenant.version());
	}

	/**
	 * The same form with another version: after a conflict the form shows what is stored
	 * now.
	 * @param version the version
	 * @return the form
	 */
	TenantForm withVersion(long version) {
		return new TenantForm(this.id, this.displayName, this.plan, this.limit, this.window, this.burst,
				this.perUserLimit, this.perUserWindow, this.costs, this.features, this.emailDomains, this.locale,
				this.attributes, version);
	}

	private static String text(String value) {
		return (value != null) ? value : "";
	}

	private static String lines(Map<String, ?> values) {
		return values.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.collect(Collectors.joining("\n"));
	}

}

package dev.tenancy.configserver.console;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import dev.tenancy.Tenant;
import dev.tenancy.configserver.tenants.TenantApiProperties;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantAuditEntry;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The operator console's pages. Every change goes through the same admin service as the
 * admin API ({@link TenantAdministration}), with the signed-in operator as the audit's
 * actor and the version the operator read as the expected version: a tenant changed
 * meanwhile is a conflict, shown, never overwritten.
 */
@Controller
@ConditionalOnBooleanProperty(ConsoleProperties.PREFIX + ".enabled")
class ConsoleController {

	static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private static final List<String> ACTIONS = List.of("suspend", "resume", "delete");

	private final TenantRegistry registry;

	private final TenantAdministration administration;

	private final TenantSearch search;

	private final ConsoleProperties properties;

	private final TenantUsage usage;

	private final List<String> protectedKeys;

	ConsoleController(TenantRegistry registry, TenantAdministration administration, ConsoleProperties properties,
			TenantUsage usage, ObjectProvider<TenantApiProperties> tenantApi) {
		TenantApiProperties api = tenantApi.getIfAvailable();
		this.protectedKeys = (api != null) ? api.protectedKeys() : List.of();
		this.registry = registry;
		this.administration = administration;
		this.search = new TenantSearch(administration);
		this.properties = properties;
		this.usage = usage;
	}

	@ModelAttribute("operator")
	String operator(Authentication authentication) {
		return (authentication != null) ? authentication.getName() : null;
	}

	/**
	 * Keys the tenant API serves from the defaults and plans only: apps that read tenants
	 * through this server do not see a tenant's own value for them, which the form says.
	 */
	@ModelAttribute("protectedKeys")
	List<String> protectedKeys() {
		return this.protectedKeys;
	}

	@GetMapping("/console")
	String home() {
		return "redirect:/console/tenants";
	}

	@GetMapping("/console/tenants")
	String tenants(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "") String status,
			@RequestParam(defaultValue = "0") String page, Model model) {
		TenantStatus filter = switch (status) {
			case "ACTIVE" -> TenantStatus.ACTIVE;
			case "SUSPENDED" -> TenantStatus.SUSPENDED;
			case "DELETED" -> TenantStatus.DELETED;
			default -> null;
		};
		int number = parsePage(page);
		String query = (q.length() > 200) ? q.substring(0, 200) : q;
		TenantAdministration.TenantPage result = this.search.find(query, filter, number, this.properties.pageSize());
		long pages = Math.max(1, (result.total() + result.size() - 1) / result.size());
		model.addAttribute("q", query);
		model.addAttribute("status", (filter != null) ? filter.name() : "");
		model.addAttribute("result", result);
		model.addAttribute("pages", pages);
		return "console/tenants";
	}

	@GetMapping("/console/tenants/new")
	String newTenant(Model model) {
		model.addAttribute("form", TenantForm.empty());
		model.addAttribute("errors", Map.of());
		model.addAttribute("creating", true);
		return "console/tenant";
	}

	@PostMapping("/console/tenants")
	String create(@ModelAttribute("form") TenantForm form, Authentication operator, Model model,
			HttpServletResponse response, RedirectAttributes redirect) {
		TenantForms.Result checked = TenantForms.read(form, true);
		if (!checked.valid()) {
			response.setStatus(422);
			return invalid(model, form, checked, true, null);
		}
		TenantId id = TenantId.of(form.id().strip());
		try {
			this.administration.create(id, form.displayName().strip(), checked.config(), change(operator));
		}
		catch (TenantRegistryException.AlreadyExists ex) {
			response.setStatus(409);
			return invalid(model, form,
					new TenantForms.Result(null, Map.of("id", List.of("is taken (also by a deleted tenant)")), null),
					true, null);
		}
		redirect.addFlashAttribute("notice", "Created tenant " + id.value() + ".");
		return "redirect:/console/tenants/" + id.value();
	}

	@GetMapping("/console/tenants/{id}")
	String tenant(@PathVariable String id, Model model, HttpServletResponse response) {
		Optional<Tenant> tenant = find(id);
		if (tenant.isEmpty()) {
			return notFound(response);
		}
		model.addAttribute("form", TenantForm.of(tenant.get()));
		model.addAttribute("errors", Map.of());
		return tenantPage(model, tenant.get());
	}

	@PostMapping("/console/tenants/{id}")
	String update(@PathVariable String id, @ModelAttribute("form") TenantForm form, Authentication operator,
			Model model, HttpServletResponse response, RedirectAttributes redirect) {
		Optional<Tenant> stored = find(id);
		if (stored.isEmpty()) {
			return notFound(response);
		}
		Tenant tenant = stored.get();
		TenantForms.Result checked = TenantForms.read(form, false);
		if (!checked.valid()) {
			response.setStatus(422);
			return invalid(model, form, checked, false, tenant);
		}
		if (form.version() == null) {
			response.setStatus(422);
			return invalid(model, form,
					new TenantForms.Result(null,
							Map.of("form",
									List.of("The form does not say which version you read; open the tenant again.")),
							null),
					false, tenant);
		}
		try {
			this.administration.update(tenant.id(), form.version(), form.displayName().strip(), checked.config(),
					change(operator));
		}
		catch (TenantRegistryException.StaleVersion ex) {
			response.setStatus(409);
			return conflict(model, tenant.id(), form.version(), checked);
		}
		redirect.addFlashAttribute("notice", "Saved " + tenant.id().value() + ".");
		return "redirect:/console/tenants/" + tenant.id().value();
	}

	@GetMapping("/console/tenants/{id}/{action:suspend|resume|delete}")
	String confirm(@PathVariable String id, @PathVariable String action, Model model, HttpServletResponse response) {
		Optional<Tenant> tenant = find(id);
		if (tenant.isEmpty() || !ACTIONS.contains(action)) {
			return notFound(response);
		}
		model.addAttribute("tenant", tenant.get());
		model.addAttribute("action", action);
		return "console/confirm";
	}

	@PostMapping("/console/tenants/{id}/{action:suspend|resume|delete}")
	String changeStatus(@PathVariable String id, @PathVariable String action,
			@RequestParam(required = false) Long version, @RequestParam(defaultValue = "") String confirmation,
			Authentication operator, Model model, HttpServletResponse response, RedirectAttributes redirect) {
		Optional<Tenant> stored = find(id);
		if (stored.isEmpty()) {
			return notFound(response);
		}
		Tenant tenant = stored.get();
		if (action.equals("delete") && !confirmation.strip().equals(tenant.id().value())) {
			response.setStatus(422);
			model.addAttribute("tenant", tenant);
			model.addAttribute("action", action);
			model.addAttribute("error", "Type the tenant's id, " + tenant.id().value() + ", to delete it.");
			return "console/confirm";
		}
		TenantStatus target = switch (action) {
			case "suspend" -> TenantStatus.SUSPENDED;
			case "resume" -> TenantStatus.ACTIVE;
			default -> TenantStatus.DELETED;
		};
		try {
			this.administration.changeStatus(tenant.id(), target, version, change(operator));
		}
		catch (TenantRegistryException.StaleVersion ex) {
			response.setStatus(409);
			model.addAttribute("tenant", current(tenant.id()).orElse(tenant));
			model.addAttribute("action", action);
			model.addAttribute("error", "Someone changed " + tenant.id().value()
					+ " after you opened this page; nothing was done. Check the tenant, then confirm again.");
			model.addAttribute("meanwhile", changesSince(tenant.id(), (version != null) ? version : 0));
			return "console/confirm";
		}
		catch (TenantRegistryException.InvalidTransition ex) {
			response.setStatus(409);
			model.addAttribute("tenant", tenant);
			model.addAttribute("action", action);
			model.addAttribute("error",
					"A " + tenant.status().name().toLowerCase(Locale.ROOT) + " tenant cannot be " + past(action) + ".");
			return "console/confirm";
		}
		redirect.addFlashAttribute("notice", "Tenant " + tenant.id().value() + " " + past(action) + ".");
		return action.equals("delete") ? "redirect:/console/tenants"
				: "redirect:/console/tenants/" + tenant.id().value();
	}

	@GetMapping("/console/tenants/{id}/audit")
	String audit(@PathVariable String id, Model model, HttpServletResponse response) {
		Optional<Tenant> tenant = find(id);
		if (tenant.isEmpty()) {
			return notFound(response);
		}
		List<AuditItem> newestFirst = new ArrayList<>(
				this.administration.audit(tenant.get().id()).stream().map(AuditItem::of).toList());
		Collections.reverse(newestFirst);
		model.addAttribute("tenant", tenant.get());
		model.addAttribute("entries", newestFirst);
		return "console/audit";
	}

	@RequestMapping("/console/refused")
	String refused(HttpServletResponse response, Model model) {
		response.setStatus(403);
		model.addAttribute("scope", this.properties.adminScope());
		return "console/refused";
	}

	@RequestMapping("/console/form-expired")
	String formExpired(HttpServletResponse response) {
		response.setStatus(403);
		return "console/form-expired";
	}

	@GetMapping("/console/signed-out")
	String signedOut() {
		return "console/signed-out";
	}

	@GetMapping("/console/sign-in-failed")
	String signInFailed(HttpServletResponse response) {
		response.setStatus(401);
		return "console/sign-in-failed";
	}

	private String tenantPage(Model model, Tenant tenant) {
		model.addAttribute("tenant", tenant);
		model.addAttribute("creating", false);
		model.addAttribute("usage", this.usage.lastHour(tenant.id()));
		return "console/tenant";
	}

	private String invalid(Model model, TenantForm form, TenantForms.Result checked, boolean creating, Tenant tenant) {
		model.addAttribute("form", form);
		model.addAttribute("errors", checked.errors());
		model.addAttribute("creating", creating);
		if (tenant != null) {
			model.addAttribute("tenant", tenant);
			model.addAttribute("usage", this.usage.lastHour(tenant.id()));
		}
		return "console/tenant";
	}

	/**
	 * The tenant changed since the operator read it: the page shows what is stored now
	 * (with its version, so a second save is a decision made knowing it), who changed
	 * what meanwhile, and the operator's own unsaved values.
	 */
	private String conflict(Model model, TenantId id, long versionRead, TenantForms.Result yours) {
		Tenant now = current(id).orElseThrow();
		model.addAttribute("form", TenantForm.of(now));
		model.addAttribute("errors", Map.of());
		model.addAttribute("conflict", true);
		model.addAttribute("meanwhile", changesSince(id, versionRead));
		model.addAttribute("unsaved", ConfigDiff.of(TenantConfigJson.tree(now.config()),
				(yours.config() != null) ? TenantConfigJson.tree(yours.config()) : yours.document()));
		return tenantPage(model, now);
	}

	private List<AuditItem> changesSince(TenantId id, long version) {
		return this.administration.audit(id)
			.stream()
			.filter((entry) -> entry.version() > version)
			.map(AuditItem::of)
			.toList();
	}

	private Optional<Tenant> find(String id) {
		return TenantId.parse(id).flatMap(this::current);
	}

	/** As stored now: from the database itself where the write side can read. */
	private Optional<Tenant> current(TenantId id) {
		TenantRegistry source = (this.administration instanceof TenantRegistry direct) ? direct : this.registry;
		return source.find(id);
	}

	private static String notFound(HttpServletResponse response) {
		response.setStatus(404);
		return "console/not-found";
	}

	private static TenantChange change(Authentication operator) {
		String requestId = MDC.get("request_id");
		return new TenantChange(operator.getName(), (requestId != null) ? requestId : UUID.randomUUID().toString());
	}

	private static String past(String action) {
		return switch (action) {
			case "suspend" -> "suspended";
			case "resume" -> "resumed";
			default -> "deleted";
		};
	}

	private static int parsePage(String page) {
		try {
			int number = Integer.parseInt(page);
			return (number < 0 || number > 1_000_000) ? 0 : number;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * An audit entry as the timeline shows it.
	 *
	 * @param action what happened
	 * @param actor who
	 * @param at when, readable
	 * @param iso when, ISO-8601
	 * @param version the version after it
	 * @param changes what changed
	 * @param requestId the request it happened in
	 */
	public record AuditItem(String action, String actor, String at, String iso, long version,
			List<ConfigDiff.Change> changes, String requestId) {

		static AuditItem of(TenantAuditEntry entry) {
			return new AuditItem(entry.action(), entry.actor(), WHEN.format(entry.at()), entry.at().toString(),
					entry.version(), ConfigDiff.of(entry.before(), entry.after()), entry.requestId());
		}

	}

}

package dev.tenancy.admin;

import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantRegistry;

/**
 * The tenant admin REST API. It is only reachable through the admin guard, which the starter
 * puts in front of {@code /admin/**}.
 */
@RestController
@RequestMapping("/admin/tenants")
public class TenantAdminController {

	private static final int MAX_PAGE_SIZE = 500;

	private final TenantRegistry registry;

	public TenantAdminController(TenantRegistry registry) {
		this.registry = registry;
	}

	/**
	 * List tenants, optionally of one status, a page at a time.
	 * @param status the status filter, or {@code null} for all but deleted
	 * @param page the page, from 0
	 * @param size the page size, 1 to 500
	 * @return the page
	 */
	@GetMapping
	public ResponseEntity<?> list(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		TenantStatus filter = null;
		if (status != null) {
			try {
				filter = TenantStatus.valueOf(status.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				return badRequest("status must be one of ACTIVE, SUSPENDED, DELETED");
			}
		}
		if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
			return badRequest("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
		}
		TenantStatus wanted = filter;
		List<Tenant> matching = this.registry.findAll()
			.stream()
			.filter((tenant) -> (wanted != null) ? tenant.status() == wanted : tenant.status() != TenantStatus.DELETED)
			.toList();
		List<TenantView> content = matching.stream()
			.skip((long) page * size)
			.limit(size)
			.map(TenantView::of)
			.toList();
		return ResponseEntity.ok(new TenantPage(content, page, size, matching.size()));
	}

	/**
	 * One tenant, with its version as the ETag.
	 * @param id the tenant id
	 * @return the tenant, or 404
	 */
	@GetMapping("/{id}")
	public ResponseEntity<?> get(@PathVariable String id) {
		return TenantId.parse(id)
			.flatMap(this.registry::find)
			.<ResponseEntity<?>>map((tenant) -> ResponseEntity.ok()
				.eTag("\"" + tenant.version() + "\"")
				.body(TenantView.of(tenant)))
			.orElseGet(() -> {
				ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No such tenant.");
				problem.setProperty("code", "tenant_not_found");
				return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
			});
	}

	private static ResponseEntity<?> badRequest(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setProperty("code", "bad_request");
		return ResponseEntity.badRequest().body(problem);
	}

	/**
	 * A page of tenants.
	 *
	 * @param content the tenants on this page
	 * @param page the page number
	 * @param size the page size
	 * @param total the number of matching tenants
	 */
	public record TenantPage(List<TenantView> content, int page, int size, long total) {
	}

}

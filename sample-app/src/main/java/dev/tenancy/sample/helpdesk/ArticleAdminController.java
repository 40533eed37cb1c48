package dev.tenancy.sample.helpdesk;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.InvalidTenantIdException;
import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;
import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;

/**
 * Each tenant's knowledge base, managed by the platform's administrators:
 * {@code /admin/tenants/{tenant}/helpdesk/articles}. The path is under the admin paths
 * ({@code tenancy.admin.paths}), so the starter's admin rule decides who gets in (the
 * {@code tenancy.admin} scope or the bootstrap token; 401/403/503 otherwise), and no
 * tenant is resolved from the request: the tenant named in the path is checked against
 * the registry and the work runs in its context, so row-level security binds it as it
 * binds a tenant's own request.
 * <ul>
 * <li>{@code GET} the list (by title, at most {@value #MAX_LIST}); {@code POST}
 * {@code {"title","body"}} adds one (201, {@code Location});</li>
 * <li>{@code GET}, {@code PUT}, {@code DELETE} {@code .../articles/{id}}.</li>
 * </ul>
 * An unknown tenant is 404 {@code tenant_not_found}, an unknown article 404
 * {@code not_found}. Every change evicts the tenant's cached search answers.
 */
@RestController
@RequestMapping("/admin/tenants/{tenant}/helpdesk/articles")
public class ArticleAdminController {

	static final int MAX_LIST = 500;

	private final KnowledgeBase knowledgeBase;

	private final TenantRegistry registry;

	public ArticleAdminController(KnowledgeBase knowledgeBase, TenantRegistry registry) {
		this.knowledgeBase = knowledgeBase;
		this.registry = registry;
	}

	@GetMapping
	public List<Article> list(@PathVariable String tenant) {
		return as(tenant, () -> this.knowledgeBase.list(MAX_LIST));
	}

	@GetMapping("/{id}")
	public Article get(@PathVariable String tenant, @PathVariable String id) {
		UUID article = articleId(id);
		return as(tenant, () -> this.knowledgeBase.find(article)).orElseThrow(ArticleAdminController::notFound);
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Article> create(@PathVariable String tenant, @Valid @RequestBody ArticleInput body) {
		Article article = as(tenant, () -> this.knowledgeBase.create(body));
		return ResponseEntity.created(URI.create("/admin/tenants/" + tenant + "/helpdesk/articles/" + article.id()))
			.body(article);
	}

	@PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Article update(@PathVariable String tenant, @PathVariable String id, @Valid @RequestBody ArticleInput body) {
		UUID article = articleId(id);
		return as(tenant, () -> this.knowledgeBase.update(article, body)).orElseThrow(ArticleAdminController::notFound);
	}

	@DeleteMapping("/{id}")
	public ResponseEntity<Void> delete(@PathVariable String tenant, @PathVariable String id) {
		UUID article = articleId(id);
		if (!as(tenant, () -> this.knowledgeBase.delete(article))) {
			throw notFound();
		}
		return ResponseEntity.noContent().build();
	}

	private <T> T as(String tenant, Supplier<T> work) {
		TenantId id;
		try {
			id = TenantId.of(tenant);
		}
		catch (InvalidTenantIdException ex) {
			throw new TenancyException(TenancyError.TENANT_NOT_FOUND);
		}
		Optional<Tenant> found = this.registry.find(id);
		if (found.isEmpty()) {
			throw new TenancyException(TenancyError.TENANT_NOT_FOUND);
		}
		return TenantContext.supply(id, work);
	}

	private static UUID articleId(String id) {
		try {
			UUID uuid = UUID.fromString(id);
			if (id.length() == 36 && uuid.toString().equalsIgnoreCase(id)) {
				return uuid;
			}
		}
		catch (IllegalArgumentException ex) {
			// below
		}
		throw notFound();
	}

	private static TenancyException notFound() {
		return new TenancyException(TenancyError.NOT_FOUND, "No such article.");
	}

}
